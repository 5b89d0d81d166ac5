/** `npm run elements`: custom-elements.json from the widgets' JSDoc headers (checked by test/widgets/custom-elements.test.ts). */
export default {
  globs: ['widgets/did-this-solve/*.ts', 'widgets/survey/*.ts', 'widgets/complaint-form/*.ts', 'widgets/complaint-tracker/*.ts', 'widgets/internal/base.ts'],
  exclude: ['widgets/*/*.styles.ts', 'widgets/*/operations.ts'],
  litelement: true,
  outdir: '.',
  // package.json is edited by several people: it names the manifest by hand, not by this tool.
  packagejson: false,
  plugins: [documentedApiOnly()],
};

/**
 * The manifest lists an element's documented public API only: the attributes of its `@attr`
 * tags (and the properties behind them), its `@fires` events, `@csspart`s and `@cssprop`s.
 *
 * The analyzer's Lit support (0.11) lists every entry of `static properties` as an attribute
 * and a public field, `{ state: true }` ones included (open-wc/custom-elements-manifest#294),
 * and every method, getter and private field as a member. Here internal reactive state never
 * becomes an attribute or a member, members are the fields behind documented attributes (or a
 * member whose JSDoc says `@public`), and the analysis fails when the `@attr` tags and the
 * reactive properties that are attributes disagree, in either direction. Events are the `@fires`
 * tags only (the analyzer guesses one named "type" from `new CustomEvent(type, …)`).
 */
function documentedApiOnly() {
  /** Per class name: what its own source says. */
  const classes = new Map();

  return {
    name: 'careloop-documented-api-only',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      const found = { documented: new Set(), events: new Set(), state: new Set(), attributes: new Map(), publicMembers: new Set() };
      for (const doc of node.jsDoc ?? []) {
        const text = doc.getFullText();
        for (const tag of text.matchAll(/@(?:attr|attribute)\s+(?:\{[^}]*\}\s*)?\[?([\w-]+)/g)) found.documented.add(tag[1]);
        for (const tag of text.matchAll(/@(?:fires|event)\s+(?:\{[^}]*\}\s*)?([\w:.-]+)/g)) found.events.add(tag[1]);
      }
      for (const member of node.members) {
        const name = member.name && ts.isIdentifier(member.name) ? member.name.text : undefined;
        if (name && ts.getJSDocPublicTag(member)) found.publicMembers.add(name);
        const isStatic = member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
        if (!isStatic || name !== 'properties') continue;
        const object = ts.isPropertyDeclaration(member) ? member.initializer : undefined;
        if (!object || !ts.isObjectLiteralExpression(object)) throw new Error(`${moduleDoc.path}: ${node.name.text}.properties must be an object literal`);
        for (const property of object.properties) {
          if (!ts.isPropertyAssignment(property) || !ts.isObjectLiteralExpression(property.initializer)) {
            throw new Error(`${moduleDoc.path}: ${node.name.text}.properties entries must be object literals`);
          }
          const key = property.name.getText().replace(/^['"]|['"]$/g, '');
          const option = (name) => property.initializer.properties.find((p) => ts.isPropertyAssignment(p) && p.name.getText() === name)?.initializer;
          const state = option('state')?.kind === ts.SyntaxKind.TrueKeyword;
          const attribute = option('attribute');
          // Lit: `state: true` implies `attribute: false`; the default attribute is the lowercased name.
          if (state || attribute?.kind === ts.SyntaxKind.FalseKeyword) found.state.add(key);
          else found.attributes.set(attribute && ts.isStringLiteral(attribute) ? attribute.text : key.toLowerCase(), key);
        }
      }
      classes.set(node.name.text, found);
    },
    packageLinkPhase({ customElementsManifest }) {
      // After the analyzer's own packageLinkPhase: inherited attributes and members are in place.
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          if (declaration.kind !== 'class' || !classes.has(declaration.name)) continue;
          const chain = [];
          for (let name = declaration.name; classes.has(name); name = superclassOf(customElementsManifest, name)) chain.push(classes.get(name));
          const union = (key) => new Set(chain.flatMap((c) => [...c[key]]));
          const documented = union('documented');
          const state = union('state');
          const publicMembers = union('publicMembers');
          const events = union('events');
          const attributes = new Map(chain.toReversed().flatMap((c) => [...c.attributes]));

          if (declaration.tagName) {
            const where = `${module.path}: <${declaration.tagName}>`;
            const undocumented = [...attributes.keys()].filter((a) => !documented.has(a));
            if (undocumented.length) throw new Error(`${where}: attributes without an @attr tag in the class's JSDoc: ${undocumented.join(', ')}`);
            const unknown = [...documented].filter((a) => !attributes.has(a));
            if (unknown.length) throw new Error(`${where}: @attr tags naming no reactive property with that attribute: ${unknown.join(', ')}`);
          }

          declaration.attributes = (declaration.attributes ?? []).filter(
            (a) => documented.has(a.name) && attributes.has(a.name) && !state.has(a.fieldName ?? a.name),
          );
          declaration.members = (declaration.members ?? []).filter(
            (m) =>
              !state.has(m.name) &&
              !m.static &&
              (m.privacy ?? 'public') === 'public' &&
              ((m.kind === 'field' && m.attribute !== undefined && documented.has(m.attribute) && attributes.get(m.attribute) === m.name) || publicMembers.has(m.name)),
          );
          // The analyzer also reports `new CustomEvent(type)` in the base class as an event named "type".
          declaration.events = (declaration.events ?? []).filter((e) => events.has(e.name));
          for (const key of ['attributes', 'members', 'events', 'slots', 'cssParts', 'cssProperties', 'cssStates']) {
            if (declaration[key]?.length === 0) delete declaration[key];
          }
        }
      }
    },
  };
}

function superclassOf(manifest, className) {
  for (const module of manifest.modules) {
    const declaration = module.declarations?.find((d) => d.kind === 'class' && d.name === className);
    if (declaration) return declaration.superclass?.name;
  }
  return undefined;
}
