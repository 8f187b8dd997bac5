import { useEffect, useState } from 'preact/hooks';

const subscribers = new Set<() => void>();

export function navigate(path: string): void {
  history.pushState(null, '', path);
  subscribers.forEach((notify) => notify());
  window.scrollTo(0, 0);
}

/** The current path; links with `data-route` go through `navigate` instead of a page load. */
export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    subscribers.add(update);
    window.addEventListener('popstate', update);
    return () => {
      subscribers.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

export function linkHandler(event: MouseEvent): void {
  const anchor = (event.target as HTMLElement).closest('a');
  if (!anchor || anchor.target || anchor.hasAttribute('download') || event.ctrlKey || event.metaKey || event.shiftKey) return;
  const url = new URL(anchor.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith('/hub')) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}
