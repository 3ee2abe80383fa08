// The original text with what compression removed struck through and faded.
import type { CompressOutput } from '@tokenflow/api'

export function CompressionDiff({ segments }: { segments: CompressOutput['segments'] }) {
  // Segments have no ids and never reorder, so the index is a stable key.
  return (
    <p className="diff">
      {segments.map((segment, index) =>
        segment.kept ? (
          <span key={index}>{segment.text}</span>
        ) : (
          <del key={index} className="removed">
            {segment.text}
          </del>
        ),
      )}
    </p>
  )
}
