import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import DevicesView from './views/DevicesView.vue'
import ModelsView from './views/ModelsView.vue'
import ParticipantView from './views/ParticipantView.vue'
import RecordingsView from './views/RecordingsView.vue'
import SessionView from './views/SessionView.vue'
import StudyView from './views/StudyView.vue'
import TrainingView from './views/TrainingView.vue'

/** The six views, in the order an experimenter works through them; Ctrl+1…6 reaches each. */
export const views = [
  { path: '/devices', name: 'Devices', component: DevicesView },
  { path: '/study', name: 'Study', component: StudyView },
  { path: '/session', name: 'Session', component: SessionView },
  { path: '/recordings', name: 'Recordings', component: RecordingsView },
  { path: '/training', name: 'Training', component: TrainingView },
  { path: '/models', name: 'Models', component: ModelsView },
] as const satisfies readonly RouteRecordRaw[]

export const router = createRouter({
  // Hash history works from file:// in Electron and over http in the browser test host alike.
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: '/study' },
    ...views,
    // What the participant sees, on their own screen: no navigation, no app shell (meta.bare).
    { path: '/participant', component: ParticipantView, meta: { bare: true } },
  ],
})

declare module 'vue-router' {
  interface RouteMeta {
    /** Shown alone, without the app's navigation, bars and the state they load. */
    bare?: boolean
  }
}
