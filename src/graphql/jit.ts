import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import {
  DocumentNode,
  execute,
  ExecutionResult,
  GraphQLError,
  GraphQLSchema,
  OperationDefinitionNode,
  OperationTypeNode,
  SourceLocation,
  visit,
  getNullableType,
  isListType,
  TypeInfo,
  visitWithTypeInfo,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';

/**
 * Query execution through graphql-jit, for the documents that are asked again and again and are
 * large enough to gain: a model page resolves about 800 fields, and graphql-js spends more on
 * walking them (and `JSON.stringify` more on its dictionary-mode result objects) than the page's
 * data costs to read (`npm run bench:profile`, W2). graphql-jit compiles a document once into a
 * function that builds plain objects.
 *
 * What stays with graphql-js, unchanged:
 * - mutations and subscriptions (their resolvers run in order; nothing here is hot);
 * - a document until it has been executed `compileAfter` times, so one-off documents (and a
 *   client sending many distinct ones) never pay for a compilation;
 * - documents that select no list and fewer than `minFields` fields (the deploy path, one
 *   version's artifact: a compiled function gains it nothing, and graphql-js answers it as fast);
 * - a request whose variables graphql-js would refuse: it answers them, so the error and its
 *   BAD_USER_INPUT code are exactly graphql-js's.
 *
 * Compiled functions are kept per parsed document, which Apollo keeps in its bounded document
 * store and hands back for the same text, and at most `maxCompiled` of them (QueryCompiler).
 */
export interface JitOptions {
  /** Executions of a document before it is compiled (0: compile on first use, -1: never). */
  compileAfter: number;
  /** Fewest field selections that make a document worth compiling when it selects no list. */
  minFields: number;
  /** Most documents holding a compiled function at once. */
  maxCompiled: number;
}

interface DocumentState {
  /** Executions since it was last compiled (or since it was first seen). */
  executions: number;
  /** Times its compiled function was evicted: each doubles the executions it needs again. */
  evictions: number;
  /** Undefined until compiled; null once it never will be (refused by graphql-jit). */
  compiled?: CompiledQuery | null;
}

/**
 * Compiles and runs the query documents worth it (see above), and keeps at most `maxCompiled`
 * compiled functions, least recently used out: one costs about 230 KB for a model page, and
 * Apollo's document store is bounded by the documents' size, not by that. An evicted document
 * runs on graphql-js until it has been executed twice as many times as before it was compiled,
 * and so on (`compileAfter + 1` doubled per eviction): a document in steady use comes back at
 * once, while a client cycling through many documents to push the others out pays requests
 * that double each round for every compilation it causes.
 */
export class QueryCompiler {
  private readonly documents = new WeakMap<DocumentNode, Map<string, DocumentState>>();
  /** The states holding a compiled function, least recently used first. */
  private readonly live = new Set<DocumentState>();
  compilations = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly opts: JitOptions,
  ) {}

  /** Documents holding a compiled function now. */
  get size(): number {
    return this.live.size;
  }

  readonly executor: GatewayExecutor = async (request) => {
    const { schema } = this;
    const { document, operationName, context } = request;
    const variables = request.request.variables ?? {};
    const operation = request.operation as OperationDefinitionNode | undefined;
    const compiled =
      this.opts.compileAfter >= 0 && operation?.operation === OperationTypeNode.QUERY
        ? this.compiledFor(document, operationName ?? '')
        : null;
    if (compiled && !getVariableValues(schema, operation!.variableDefinitions ?? [], variables).errors)
      return withGraphQLErrors(await compiled.query(undefined, context, variables));
    return execute({ schema, document, operationName, contextValue: context, variableValues: variables });
  };

  private compiledFor(document: DocumentNode, operationName: string): CompiledQuery | null {
    if (!compilable(this.schema, document, this.opts.minFields)) return null;
    let states = this.documents.get(document);
    if (!states) this.documents.set(document, (states = new Map<string, DocumentState>()));
    let state = states.get(operationName);
    if (!state) states.set(operationName, (state = { executions: 0, evictions: 0 }));
    if (state.compiled) {
      this.live.delete(state);
      this.live.add(state);
      return state.compiled;
    }
    if (state.compiled === null) return null;
    const needed = (this.opts.compileAfter + 1) * 2 ** Math.min(state.evictions, 20) - 1;
    if (++state.executions <= needed) return null;
    const compiled = compileQuery(this.schema, document, operationName || undefined);
    this.compilations += 1;
    // A document graphql-jit cannot compile is executed by graphql-js, as before.
    state.compiled = isCompiledQuery(compiled) ? compiled : null;
    if (!state.compiled) return null;
    this.live.add(state);
    if (this.live.size > this.opts.maxCompiled) {
      const oldest = this.live.values().next().value!;
      this.live.delete(oldest);
      oldest.compiled = undefined;
      oldest.executions = 0;
      oldest.evictions += 1;
    }
    return state.compiled;
  }
}

/**
 * graphql-jit's errors imitate graphql-js's but leave `extensions` undefined where graphql-js
 * has `{}`, which Apollo's error formatting reads (and fails on, answering a bare "Internal
 * server error" without our request id): they are made graphql-js errors again.
 */
function withGraphQLErrors(result: ExecutionResult): ExecutionResult {
  if (!result.errors) return result;
  const errors = result.errors.map((e) => {
    const error = new GraphQLError(e.message, {
      path: e.path,
      originalError: e.originalError,
      extensions: e.extensions,
    });
    if (e.locations) (error as { locations?: readonly SourceLocation[] }).locations = e.locations;
    return error;
  });
  return { ...result, errors };
}

/** Apollo's gateway interface, serving a fixed schema through `executor` (our only use of it). */
export function executingGateway(schema: GraphQLSchema, executor: GatewayExecutor): GatewayInterface {
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    load: () => Promise.resolve({ executor }),
    stop: () => Promise.resolve(),
  };
}

const verdicts = new WeakMap<DocumentNode, boolean>();
/**
 * Whether a document may be compiled, and whether it can pay.
 *
 * May: graphql-jit writes a document's literal arguments into the code it generates, as JSON,
 * and then turns every string that starts with its date marker (`__MAGIC_DATE__…`) into
 * `new Date(<the rest>)`, unescaped: a literal carrying the marker would run as code in this
 * process. Strings carry it, and so do names: an enum value or an object key is a string where a
 * scalar takes any literal (`_Any`), and the marker is made of name characters. A document with
 * `__MAGIC_` in any string or name is left to graphql-js, as is one with a `__proto__` name (a
 * response key of that name sets the prototype of graphql-jit's object literal, dropping the
 * field). Variables reach compiled code as values, never as code.
 *
 * Pays: it selects a list (what a compiled function saves is per object resolved, and lists are
 * where objects multiply: a page of versions, `_entities`), or at least `minFields` fields. The
 * deploy path (one version's artifact) is neither.
 */
function compilable(schema: GraphQLSchema, document: DocumentNode, minFields: number): boolean {
  let verdict = verdicts.get(document);
  if (verdict === undefined) {
    let fields = 0;
    let list = false;
    let unsafe = false;
    const types = new TypeInfo(schema);
    visit(
      document,
      visitWithTypeInfo(types, {
        Field() {
          fields += 1;
          const type = types.getType();
          if (type && isListType(getNullableType(type))) list = true;
        },
        // Strings, and names: enum values and object keys reach generated code as strings
        // where a scalar takes any literal (`_Any`), and names are made of the marker's letters.
        StringValue(node) {
          if (node.value.includes(JIT_MARKER)) unsafe = true;
        },
        EnumValue(node) {
          if (node.value.includes(JIT_MARKER)) unsafe = true;
        },
        Name(node) {
          // `__proto__` as a response key would set a prototype in the object literal graphql-jit
          // builds, and drop the field.
          if (node.value.includes(JIT_MARKER) || node.value === '__proto__') unsafe = true;
        },
      }),
    );
    verdict = !unsafe && (list || fields >= minFields);
    verdicts.set(document, verdict);
  }
  return verdict;
}

/** What every special-value marker of graphql-jit's argument serialisation starts with. */
const JIT_MARKER = '__MAGIC_';
