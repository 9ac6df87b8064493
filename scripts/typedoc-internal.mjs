// TypeDoc plugin: leaves out members whose name starts with `_`, and
// constructors that take such a parameter (objects only the library makes,
// such as Module). In detwasm those are internal to the library (see
// src/interpreter/runtime.ts), public only because its other modules use them.
import { Converter, ReflectionKind } from 'typedoc';

export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const project = context.project;
    const members = project.getReflectionsByKind(ReflectionKind.Property | ReflectionKind.Method | ReflectionKind.Accessor);
    for (const r of members) if (r.name.startsWith('_')) project.removeReflection(r);
    for (const r of project.getReflectionsByKind(ReflectionKind.Constructor)) {
      const internal = r.signatures?.some((s) => s.parameters?.some((p) => p.name.startsWith('_')));
      if (internal) project.removeReflection(r);
    }
  });
}
