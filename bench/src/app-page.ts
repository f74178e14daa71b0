/**
 * What runs inside the app's page during the measurement. Playwright sends
 * these functions to the page as source text, so each is self-contained: no
 * imports, no helpers from outside its own body. Times are `performance.now()`
 * of the page: milliseconds since its `performance.timeOrigin`, which for a
 * loaded page is the start of its navigation.
 */

/** When an element became usable, noted in the page. */
export interface ReadyMark {
  /** The element was in the document, rendered (not hidden) and not disabled. */
  ready: number | null;
  /** The end of the next frame after `ready`: the moment it was on screen. */
  frame: number | null;
  /**
   * The page had a service worker as it was created: the worker served it. (Read
   * later, the controller may also be a worker that installed meanwhile and claimed it.)
   */
  controlled: boolean;
}

/** What one typed eighth digit did, noted in the page. */
export interface TypedMark {
  /** The keydown event's own time stamp: when the browser took the key. */
  keydownStamp: number | null;
  /** When the keydown listener ran (the page's main thread got the key). */
  keydown: number | null;
  /** When the input event reached the page (before the app's own listener). */
  input: number | null;
  /** When the response's `data-value` was set, and to what. */
  response: number | null;
  value: string | null;
  /** The end of the next frame after that. */
  frame: number | null;
}

interface BenchWindow {
  __cipherpadBenchReady?: ReadyMark;
  __cipherpadBenchTyped?: TypedMark;
}

/**
 * An init script (it runs before any of the page's own): watches the document
 * with a MutationObserver and notes the first moment the element with
 * `data-testid=testId` is usable, then the end of the frame after it
 * (requestAnimationFrame runs just before the frame is drawn, a message posted
 * from it is handled just after).
 */
export function watchReady(testId: string): void {
  const mark: ReadyMark = {
    ready: null,
    frame: null,
    controlled: navigator.serviceWorker?.controller != null,
  };
  (window as BenchWindow).__cipherpadBenchReady = mark;
  const usable = (element: Element | null): boolean =>
    element instanceof HTMLElement &&
    !(element as HTMLInputElement).disabled &&
    !element.closest('[inert]') &&
    element.checkVisibility({ visibilityProperty: true, opacityProperty: true });
  const observer = new MutationObserver(() => {
    if (!usable(document.querySelector(`[data-testid="${testId}"]`))) return;
    mark.ready = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        mark.frame = performance.now();
      };
      channel.port2.postMessage(null);
    });
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
}

/** True once `watchReady`'s element was on screen. */
export function readyDrawn(): boolean {
  return (window as BenchWindow).__cipherpadBenchReady?.frame != null;
}

/** What the page noted, and how it was loaded. */
export function readReady(): {
  mark: ReadyMark;
  timeOrigin: number;
  responseEnd: number;
  domContentLoaded: number;
} {
  const [navigation] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
  return {
    mark: (window as BenchWindow).__cipherpadBenchReady ?? {
      ready: null,
      frame: null,
      controlled: false,
    },
    timeOrigin: performance.timeOrigin,
    responseEnd: navigation?.responseEnd ?? Number.NaN,
    domContentLoaded: navigation?.domContentLoadedEventEnd ?? Number.NaN,
  };
}

/**
 * Before the eighth digit is pressed: notes its keydown and input events
 * (capturing listeners on the window run before the app's own) and, with a
 * MutationObserver on the response, when its `data-value` is set.
 */
export function watchTyped(): void {
  const mark: TypedMark = {
    keydownStamp: null,
    keydown: null,
    input: null,
    response: null,
    value: null,
    frame: null,
  };
  (window as BenchWindow).__cipherpadBenchTyped = mark;
  addEventListener(
    'keydown',
    (event) => {
      mark.keydown = performance.now();
      mark.keydownStamp = event.timeStamp;
    },
    { capture: true, once: true },
  );
  addEventListener(
    'input',
    () => {
      mark.input = performance.now();
    },
    { capture: true, once: true },
  );
  const output = document.querySelector('[data-testid="auth-response"]');
  if (output === null) throw new Error('no auth-response in the page');
  const observer = new MutationObserver(() => {
    const value = output.getAttribute('data-value');
    if (value === null) return;
    mark.response = performance.now();
    mark.value = value;
    observer.disconnect();
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        mark.frame = performance.now();
      };
      channel.port2.postMessage(null);
    });
  });
  observer.observe(output, { attributes: true, attributeFilter: ['data-value'] });
}

/** True once the typed response was on screen. */
export function typedDrawn(): boolean {
  return (window as BenchWindow).__cipherpadBenchTyped?.frame != null;
}

export function readTyped(): TypedMark | null {
  return (window as BenchWindow).__cipherpadBenchTyped ?? null;
}
