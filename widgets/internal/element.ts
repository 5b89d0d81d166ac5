import { render } from 'lit-html';

/**
 * The reactive base of every careloop element, in place of LitElement: lit-html renders, this
 * keeps only what the elements use (declared properties and their attributes, a microtask
 * update, `updateComplete`, one shadow root with the class's styles as a constructed sheet).
 * Measured: Lit's ReactiveElement, LitElement and css`` cost 2,840 B min+gzip in every page's
 * common chunk, this about 600 B; without it a page with only <careloop-did-this-solve> could not
 * stay within 9,000 B (README, "Widgets").
 */

/** Styles are plain CSS text (the build collapses its whitespace, widgets/vite.config.ts). */
export const css = (strings: TemplateStringsArray): string => strings[0]!;

export interface PropertyDeclaration {
  /** The attribute's name. Default: the property's name, lowercased. */
  attribute?: string;
  /** Internal state: no attribute. */
  state?: boolean;
  /** Boolean: the attribute's presence. */
  type?: BooleanConstructor;
}
export type PropertyDeclarations = Record<string, PropertyDeclaration>;

type ElementClass = typeof ReactiveElement;
/** Per class: attribute name → [property, declaration], across its ancestors; and its sheet. */
const attributes = new WeakMap<ElementClass, Map<string, [string, PropertyDeclaration]>>();
const sheets = new WeakMap<ElementClass, CSSStyleSheet>();

function finalize(cls: ElementClass): Map<string, [string, PropertyDeclaration]> {
  let map = attributes.get(cls);
  if (map) return map;
  const parent = Object.getPrototypeOf(cls) as ElementClass;
  map = new Map(parent.prototype instanceof ReactiveElement || parent === ReactiveElement ? finalize(parent) : []);
  if (Object.hasOwn(cls, 'properties')) {
    for (const [name, declaration] of Object.entries(cls.properties)) {
      Object.defineProperty(cls.prototype, name, {
        get(this: ReactiveElement) {
          return this.values[name];
        },
        set(this: ReactiveElement, value: unknown) {
          if (this.values[name] === value) return;
          this.values[name] = value;
          this.requestUpdate();
        },
        configurable: true,
      });
      if (!declaration.state) map.set(declaration.attribute ?? name.toLowerCase(), [name, declaration]);
    }
  }
  attributes.set(cls, map);
  return map;
}

export abstract class ReactiveElement extends HTMLElement {
  static properties: PropertyDeclarations = {};
  static styles: string[] = [];

  static get observedAttributes(): string[] {
    return [...finalize(this).keys()];
  }

  readonly renderRoot: ShadowRoot = this.attachShadow({ mode: 'open' });
  /** Resolves once the update asked for last has rendered. */
  updateComplete: Promise<boolean> = Promise.resolve(true);
  /** The declared properties' values. */
  protected values: Record<string, unknown> = {};
  #pending = false;

  constructor() {
    super();
    const cls = this.constructor as ElementClass;
    const properties = finalize(cls);
    // A property a page set before the element's code arrived (lazy chunks) shadows the accessor.
    for (const [name] of properties.values()) {
      if (Object.hasOwn(this, name)) {
        const value = (this as any)[name];
        delete (this as any)[name];
        (this as any)[name] = value;
      }
    }
    let sheet = sheets.get(cls);
    if (!sheet) sheets.set(cls, (sheet = new CSSStyleSheet())), sheet.replaceSync(cls.styles.join(''));
    this.renderRoot.adoptedStyleSheets = [sheet];
  }

  attributeChangedCallback(attribute: string, _old: string | null, value: string | null): void {
    const [name, declaration] = finalize(this.constructor as ElementClass).get(attribute)!;
    (this as any)[name] = declaration.type ? value !== null : value;
  }

  connectedCallback(): void {
    this.requestUpdate();
  }

  disconnectedCallback(): void {}

  requestUpdate(): void {
    if (this.#pending) return;
    this.#pending = true;
    this.updateComplete = Promise.resolve().then(() => {
      this.#pending = false;
      if (this.isConnected && this.ready()) render(this.render(), this.renderRoot, { host: this });
      return true;
    });
  }

  /** False defers rendering until the next update is asked for. */
  protected ready(): boolean {
    return true;
  }

  protected abstract render(): unknown;
}
