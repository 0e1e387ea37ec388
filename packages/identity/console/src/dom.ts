/**
 * A few DOM helpers instead of a framework: `h()` builds an element from attributes and children
 * (text is always a text node, never parsed as HTML, so API data cannot inject markup).
 * @module
 */

export type Child = Node | string | number | null | undefined | false
export type Attributes = Readonly<Record<string, string | boolean | undefined>>

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: readonly Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue
    element.setAttribute(name, value === true ? '' : value)
  }
  append(element, children)
  return element
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)))
  }
}

/** Replaces everything under `parent`. */
export function replace(parent: Node, ...children: readonly Child[]): void {
  while (parent.firstChild !== null) parent.removeChild(parent.firstChild)
  append(parent, children)
}

/** One term and its value in a `<dl class="facts">` (the views' figure lists). */
export function fact(term: string, value: Child): HTMLElement {
  return h('div', { class: 'fact' }, h('dt', {}, term), h('dd', {}, value))
}
