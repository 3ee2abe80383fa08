import { cleanup, fireEvent, render, screen } from '@testing-library/react'
import { useState } from 'react'
import { afterEach, describe, expect, it } from 'vitest'
import { CategoryChips } from './category-chips'

function Harness() {
  const [value, setValue] = useState(['reasoning', 'multilingual'])
  return <CategoryChips value={value} onChange={setValue} onReset={() => setValue(['reset'])} />
}

const chips = () => screen.getAllByRole('listitem').map((li) => li.firstChild?.textContent)

afterEach(cleanup)

describe('CategoryChips', () => {
  it('adds a category on Enter and removes one with its button', () => {
    render(<Harness />)
    const input = screen.getByLabelText('New category')
    fireEvent.change(input, { target: { value: 'coding' } })
    fireEvent.keyDown(input, { key: 'Enter' })
    expect(chips()).toEqual(['reasoning', 'multilingual', 'coding'])

    fireEvent.click(screen.getByRole('button', { name: 'Remove category reasoning' }))
    expect(chips()).toEqual(['multilingual', 'coding'])
  })

  it('refuses a duplicate with a message', () => {
    render(<Harness />)
    const input = screen.getByLabelText('New category')
    fireEvent.change(input, { target: { value: 'reasoning' } })
    fireEvent.keyDown(input, { key: 'Enter' })
    expect(screen.getByRole('alert').textContent).toMatch(/already a category/)
    expect(chips()).toEqual(['reasoning', 'multilingual'])
  })
})
