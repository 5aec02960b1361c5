/// <reference types="vite/client" />
import type { EntrainApi } from '../shared/contract'

declare global {
  interface Window {
    /** Present in the Electron app (preload); absent in the browser test host. */
    entrain?: EntrainApi
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}
