import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import './styles.css'

const app = createApp(App).use(router)
// The first route decides whether the app shell (and the state it loads) is there at all.
void router.isReady().then(() => app.mount('#app'))
