import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { useState } from 'react'
import { afterEach, describe, expect, it } from 'vitest'
import { TextDropArea } from './text-drop-area'

function Harness() {
  const [text, setText] = useState('')
  return <TextDropArea label="Text to compress" value={text} onChange={setText} />
}

afterEach(cleanup)

describe('TextDropArea', () => {
  it('takes the text of a dropped file', async () => {
    render(<Harness />)
    const box = screen.getByLabelText('Text to compress') as HTMLTextAreaElement
    const file = new File(['dropped prompt'], 'prompt.txt', { type: 'text/plain' })
    fireEvent.drop(box, { dataTransfer: { files: [file] } })
    await waitFor(() => expect(box.value).toBe('dropped prompt'))
  })

  it('takes the text of a chosen file', async () => {
    render(<Harness />)
    const file = new File(['chosen prompt'], 'prompt.md', { type: 'text/markdown' })
    fireEvent.change(screen.getByLabelText('Open a text file'), { target: { files: [file] } })
    const box = screen.getByLabelText('Text to compress') as HTMLTextAreaElement
    await waitFor(() => expect(box.value).toBe('chosen prompt'))
  })

  it('refuses a file over 1 MB with a message', async () => {
    render(<Harness />)
    const file = new File(['x'.repeat(1_000_001)], 'big.txt', { type: 'text/plain' })
    fireEvent.drop(screen.getByLabelText('Text to compress'), { dataTransfer: { files: [file] } })
    expect((await screen.findByRole('alert')).textContent).toMatch(/larger than 1 MB/)
  })
})
