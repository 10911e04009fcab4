import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Exported names declared in more than one file of `dir` (one name, one meaning, one
 * declaration). Re-exports (`export { x } from …`) are not declarations and are not counted.
 * Run directly to print them: `node -r @swc-node/register test/support/duplicate-exports.ts`.
 */
export function duplicateExports(dir: string): Map<string, string[]> {
  const where = new Map<string, string[]>();
  for (const file of tsFiles(dir)) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false);
    for (const name of exportedDeclarations(source)) {
      const files = where.get(name) ?? [];
      files.push(path.relative(path.dirname(dir), file));
      where.set(name, files);
    }
  }
  return new Map([...where].filter(([, files]) => new Set(files).size > 1).sort(([a], [b]) => a.localeCompare(b)));
}

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

function isNamedDeclaration(node: ts.Node): node is ts.DeclarationStatement & { name?: ts.Identifier } {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isClassDeclaration(node) ||
    ts.isInterfaceDeclaration(node) ||
    ts.isTypeAliasDeclaration(node) ||
    ts.isEnumDeclaration(node)
  );
}

function exportedDeclarations(source: ts.SourceFile): string[] {
  const names: string[] = [];
  for (const node of source.statements) {
    const modifiers = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
    const exported = modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    if (ts.isVariableStatement(node)) {
      for (const d of node.declarationList.declarations) if (ts.isIdentifier(d.name)) names.push(d.name.text);
    } else if (isNamedDeclaration(node) && node.name) {
      names.push(node.name.text);
    }
  }
  // A function's overloads are one declaration.
  return [...new Set(names)];
}

if (require.main === module) {
  const found = duplicateExports(path.join(__dirname, '..', '..', 'src'));
  for (const [name, files] of found) console.log(`${name}: ${files.join(', ')}`);
  console.log(`${found.size} exported names declared in more than one file`);
}
