/** response/ public surface (architecture.md "response/"): the media store for evidence. */
export * from './media/index.js';
