import { app, BrowserWindow, dialog, session, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron'
import { bindIpc, type PageKind } from './ipc'
import { createServices } from './services'
import { utilityTrainer } from './trainer-process'
import { createMainWindow, isAppPage, openExternally, participantWindowHost } from './windows'

/** App lifecycle only: the services are built by createServices, shared with the CLI and web host. */

app.enableSandbox()

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isAppPage(url)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url)
    return { action: 'deny' }
  })
})

void app.whenReady().then(async () => {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))

  let mainWindow: BrowserWindow | null = null
  const participant = participantWindowHost()
  const services = await createServices({
    kind: 'electron',
    dataDir: app.getPath('userData'),
    pickFolder: async () => {
      const options = { title: 'Choose a study folder', properties: ['openDirectory', 'createDirectory'] as const }
      const result = mainWindow
        ? await dialog.showOpenDialog(mainWindow, { ...options, properties: [...options.properties] })
        : await dialog.showOpenDialog({ ...options, properties: [...options.properties] })
      return result.canceled ? null : (result.filePaths[0] ?? null)
    },
    participantWindow: participant,
    launchTrainer: utilityTrainer,
  })

  const pageOf = (event: IpcMainEvent | IpcMainInvokeEvent): PageKind => {
    if (event.senderFrame === null || event.senderFrame !== event.sender.mainFrame || !isAppPage(event.senderFrame.url)) return null
    if (mainWindow !== null && event.sender === mainWindow.webContents) return 'app'
    return event.sender === participant.window()?.webContents ? 'participant' : null
  }
  bindIpc(services, pageOf)

  mainWindow = createMainWindow(services.settings)
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow(services.settings)
  })
  app.on('before-quit', (event) => {
    // Finish a running recording and let the last settings write (window bounds) reach the disk.
    event.preventDefault()
    app.removeAllListeners('before-quit')
    void services.close().finally(() => app.quit())
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
