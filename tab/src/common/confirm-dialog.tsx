import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
} from '@fluentui/react-components';
import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';

export interface Confirmation {
  title: string;
  body: ReactNode;
  confirmLabel: string;
}

type Ask = (confirmation: Confirmation) => Promise<boolean>;

const ConfirmContext = createContext<Ask>(() => Promise.resolve(false));

/**
 * The one dialog that asks before something that cannot be undone, kept for the life of the app.
 * A modal dialog hides the rest of the page from screen readers while it is open and gives it back
 * as it closes; unmounted while closing (its row removed, another page opened) it never gives it
 * back and the whole app stays `aria-hidden`. Living at the top, it is never unmounted.
 */
export function ConfirmProvider(props: { children: ReactNode }) {
  const [current, setCurrent] = useState<Confirmation>();
  const [open, setOpen] = useState(false);
  const resolver = useRef<((answer: boolean) => void) | undefined>(undefined);

  const answer = useCallback((value: boolean) => {
    setOpen(false);
    resolver.current?.(value);
    resolver.current = undefined;
  }, []);

  const ask = useCallback<Ask>((confirmation) => {
    resolver.current?.(false);
    setCurrent(confirmation);
    setOpen(true);
    return new Promise<boolean>((resolve) => {
      resolver.current = resolve;
    });
  }, []);

  return (
    <ConfirmContext.Provider value={ask}>
      {props.children}
      <Dialog
        modalType="alert"
        open={open}
        onOpenChange={(_, data) => (data.open ? undefined : answer(false))}
      >
        <DialogSurface>
          <DialogBody>
            <DialogTitle>{current?.title}</DialogTitle>
            <DialogContent>{current?.body}</DialogContent>
            <DialogActions>
              <Button appearance="primary" onClick={() => answer(true)}>
                {current?.confirmLabel}
              </Button>
              <Button appearance="secondary" onClick={() => answer(false)}>
                Cancel
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </ConfirmContext.Provider>
  );
}

/** Asks the person; resolves true when they confirmed. */
export function useConfirm(): Ask {
  return useContext(ConfirmContext);
}
