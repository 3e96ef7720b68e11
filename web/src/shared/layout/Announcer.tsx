/** One polite aria-live region for status messages (loaded, claimed, submitted …), read by screen readers. */
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';

const AnnounceContext = createContext<(text: string) => void>(() => {});

export function useAnnounce(): (text: string) => void {
  return useContext(AnnounceContext);
}

export function AnnouncerProvider({ children }: { children: ReactNode }) {
  const [text, setText] = useState('');
  const announce = useCallback((next: string) => {
    // Clear first so that the same message twice is read twice.
    setText('');
    window.setTimeout(() => setText(next), 50);
  }, []);
  return (
    <AnnounceContext.Provider value={announce}>
      {children}
      <div role="status" aria-live="polite" aria-atomic="true" className="pp-visually-hidden" data-testid="announcer">
        {text}
      </div>
    </AnnounceContext.Provider>
  );
}
