// What the console tells a user when something fails: a headline in plain words and, when it
// helps, the server's own detail (for BAD_REQUEST that names the offending field).
export type Problem = {
  code: string
  title: string
  detail: string | null
}
