/**
 * Readies a canvas for a redraw: its backing store at the display's pixel ratio (resized only when
 * its box changed, since the live viewer redraws every frame), cleared to white, and a context that
 * draws in CSS pixels. Returns the context and the box's size in CSS pixels.
 */
export function clearedCanvas(element: HTMLCanvasElement): { context: CanvasRenderingContext2D; width: number; height: number } {
  const ratio = window.devicePixelRatio || 1
  const pixelWidth = Math.floor(element.clientWidth * ratio)
  const pixelHeight = Math.floor(element.clientHeight * ratio)
  if (element.width !== pixelWidth || element.height !== pixelHeight) {
    element.width = pixelWidth
    element.height = pixelHeight
  }
  const context = element.getContext('2d')!
  context.setTransform(ratio, 0, 0, ratio, 0, 0)
  const width = pixelWidth / ratio
  const height = pixelHeight / ratio
  context.fillStyle = '#ffffff'
  context.fillRect(0, 0, width, height)
  return { context, width, height }
}
