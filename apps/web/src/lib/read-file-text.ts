// Reads a user's file as text. FileReader rather than Blob.text(): it is available in every
// browser the console targets and in the test DOM.
export const readFileText = (file: Blob): Promise<string> =>
  new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : '')
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'))
    reader.readAsText(file)
  })
