/** A Fluent `Field`'s props for its error: marked invalid, with the message, when there is one. */
export function validationProps(message: string | undefined) {
  return {
    validationState: message ? ('error' as const) : ('none' as const),
    validationMessage: message,
  };
}
