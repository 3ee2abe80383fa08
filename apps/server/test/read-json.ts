// Response bodies in tests are asserted field by field, so a loose type keeps the tests readable.
// biome-ignore lint/suspicious/noExplicitAny: test-only reader; every field read is asserted
export const readJson = async (response: Response): Promise<any> => response.json()
