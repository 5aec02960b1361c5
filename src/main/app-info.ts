import { version } from '../../package.json'

export const appName = 'Entrain'
export const appVersion: string = version
