import { computed, reactive, watch } from 'vue'
import type { StudyDraft, StudyInput, StudyIssue, StudyOverview } from '../../shared/contract'
import { EntrainError } from '../../shared/errors'
import { issuesAt } from '../../shared/study/edit'
import { UndoHistory } from '../../shared/undo'
import { call } from '../api/client'
import { appState } from './app'

/**
 * The study being edited in the Study view. It lives here rather than in a component, so that
 * visiting another view keeps unsaved work. Every change is checked by main (the shared schema and
 * checks, and the stimulus files) a moment after it is made, and planned for the chosen
 * participant and session.
 */
export const editor = reactive({
  folder: null as string | null,
  draft: null as StudyInput | null,
  /** Whether the folder has a study.json (otherwise the draft is the starting protocol). */
  exists: false,
  /** The version of study.json the draft came from; a save passes it back. */
  revision: null as string | null,
  /** The draft as JSON now, and as it was last read or saved: they differ when there are unsaved changes. */
  text: '',
  savedText: '',
  overview: null as StudyOverview | null,
  checkProblem: null as string | null,
  participant: '1',
  session: 1,
  /** Why the folder's study.json cannot be edited here (not JSON, lists that are not lists). */
  openProblem: null as { message: string; issues: StudyIssue[] } | null,
  saving: false,
  saveProblem: null as string | null,
  /** study.json changed on disk since it was read; its current revision, to overwrite it deliberately. */
  conflict: null as { revision: string | null } | null,
  /** The last step that was not typing ("Removed tone-low"), shown with an Undo button until the next change. */
  notice: null as string | null,
  canUndo: false,
  canRedo: false,
})

export const hasUnsavedChanges = computed(() => editor.draft !== null && editor.text !== editor.savedText)
export const studyIssues = computed<StudyIssue[]>(() => (editor.overview && !editor.overview.valid ? editor.overview.issues : []))

/** The problems to show beside the field at `path` (see issuesAt). */
export function issuesFor(path: string, exact = false): StudyIssue[] {
  return issuesAt(studyIssues.value, path, exact)
}

let history = new UndoHistory('')
let nextIsSeparateStep = false
let checkTimer: ReturnType<typeof setTimeout> | undefined
let checkSerial = 0
const checkDelayMs = 150

function load(draft: StudyDraft): void {
  const text = JSON.stringify(draft.study)
  history = new UndoHistory(text)
  Object.assign(editor, {
    exists: draft.exists,
    revision: draft.revision,
    text,
    savedText: text,
    conflict: null,
    saveProblem: null,
    notice: null,
    draft: draft.study,
  })
}

/** Reads the folder's study.json (or the starting protocol) into the editor, dropping unsaved changes. */
export async function openEditor(folder: string): Promise<void> {
  Object.assign(editor, { folder, draft: null, overview: null, openProblem: null, checkProblem: null })
  try {
    const draft = await call('study.read', { path: folder })
    if (editor.folder === folder) load(draft)
  } catch (error) {
    if (editor.folder !== folder) return
    const details = error instanceof EntrainError ? (error.details as { issues?: StudyIssue[] } | undefined) : undefined
    editor.openProblem = { message: (error as Error).message, issues: details?.issues ?? [] }
  }
}

/**
 * Applies a change that is a step of its own in the undo history (adding, removing, moving,
 * importing), with an optional notice that offers to undo it.
 */
export function editStudy(change: (study: StudyInput) => void, notice: string | null = null): void {
  if (!editor.draft) return
  nextIsSeparateStep = true
  change(editor.draft)
  editor.notice = notice
}

function replaceDraft(text: string | null): void {
  if (text === null) return
  editor.notice = null
  editor.draft = JSON.parse(text) as StudyInput
}

export const undo = () => replaceDraft(history.undo())
export const redo = () => replaceDraft(history.redo())

export async function saveStudy(options: { overwrite?: boolean } = {}): Promise<void> {
  if (!editor.folder || !editor.draft || editor.saving) return
  const { folder, text } = editor
  const replaces = options.overwrite && editor.conflict ? editor.conflict.revision : editor.revision
  editor.saving = true
  editor.saveProblem = null
  try {
    const saved = await call('study.save', { path: folder, study: JSON.parse(text) as Record<string, unknown>, replaces })
    if (editor.folder !== folder) return
    Object.assign(editor, { revision: saved.revision, savedText: text, exists: true, conflict: null })
    appState.study = saved.folder
  } catch (error) {
    if (error instanceof EntrainError && error.code === 'CONFLICT') editor.conflict = { revision: (error.details as { revision: string | null }).revision }
    editor.saveProblem = `Not saved: ${(error as Error).message}`
  } finally {
    editor.saving = false
  }
}

async function check(): Promise<void> {
  const serial = ++checkSerial
  const { folder, text } = editor
  if (!folder || !editor.draft) return
  try {
    const overview = await call('study.overview', {
      path: folder,
      participant: editor.participant.trim() || '1',
      session: Number.isInteger(editor.session) && editor.session >= 1 ? editor.session : 1,
      study: JSON.parse(text) as Record<string, unknown>,
    })
    if (serial !== checkSerial) return
    editor.overview = overview
    editor.checkProblem = null
  } catch (error) {
    if (serial === checkSerial) editor.checkProblem = (error as Error).message
  }
}

function scheduleCheck(): void {
  clearTimeout(checkTimer)
  checkTimer = setTimeout(() => void check(), checkDelayMs)
}

watch(
  () => editor.draft,
  (draft) => {
    if (!draft) return
    const text = JSON.stringify(draft)
    if (text !== history.present) {
      history.change(text, Date.now(), nextIsSeparateStep)
      if (!nextIsSeparateStep) editor.notice = null
    }
    nextIsSeparateStep = false
    Object.assign(editor, { text, canUndo: history.canUndo, canRedo: history.canRedo })
    scheduleCheck()
  },
  { deep: true },
)
watch(() => [editor.participant, editor.session], scheduleCheck)
watch(
  () => appState.study?.path,
  (folder) => {
    if (folder && folder !== editor.folder) void openEditor(folder)
  },
  { immediate: true },
)

window.addEventListener('beforeunload', (event) => {
  if (hasUnsavedChanges.value) event.preventDefault()
})
