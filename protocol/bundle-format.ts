// A function bundle's first line names its format, so a worker knows how to load it without a
// field on the wire: CommonJS where esbuild could make it (a V8 compile cache can be kept for it on
// Node 20), an ES module otherwise (top-level await).
export type BundleFormat = 'cjs' | 'esm';

export const FORMAT_LINE: Record<BundleFormat, string> = {
  cjs: '// trellis bundle: commonjs\n',
  esm: '// trellis bundle: module\n',
};

export function bundleFormat(code: string): BundleFormat {
  return code.startsWith(FORMAT_LINE.cjs) ? 'cjs' : 'esm';
}
