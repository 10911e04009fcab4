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
 * store and hands back for the same text, so they go when Apollo drops the document.
 */
export interface JitOptions {
  /** Executions of a document before it is compiled (0: compile on first use). */
  compileAfter: number;
  /** Fewest field selections that make a document worth compiling when it selects no list. */
  minFields: number;
}

interface DocumentState {
  executions: number;
  compiled?: CompiledQuery | null;
}

export function jitExecutor(schema: GraphQLSchema, opts: JitOptions): GatewayExecutor {
  const documents = new WeakMap<DocumentNode, Map<string, DocumentState>>();
  return async (request) => {
    const { document, operationName, context } = request;
    const variables = request.request.variables ?? {};
    const operation = request.operation as OperationDefinitionNode | undefined;
    if (operation?.operation === OperationTypeNode.QUERY && worthCompiling(schema, document, opts.minFields)) {
      let states = documents.get(document);
      if (!states) documents.set(document, (states = new Map<string, DocumentState>()));
      const key = operationName ?? '';
      let state = states.get(key);
      if (!state) states.set(key, (state = { executions: 0 }));
      state.executions += 1;
      if (state.compiled === undefined && state.executions > opts.compileAfter) {
        const compiled = compileQuery(schema, document, operationName ?? undefined);
        // A document graphql-jit cannot compile is executed by graphql-js, as before.
        state.compiled = isCompiledQuery(compiled) ? compiled : null;
      }
      if (state.compiled && !getVariableValues(schema, operation.variableDefinitions ?? [], variables).errors)
        return withGraphQLErrors(await state.compiled.query(undefined, context, variables));
    }
    return execute({ schema, document, operationName, contextValue: context, variableValues: variables });
  };
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

const worth = new WeakMap<DocumentNode, boolean>();
/**
 * Whether compiling a document can pay: it selects a list (what a compiled function saves is per
 * object resolved, and lists are where objects multiply: a page of versions, `_entities`), or at
 * least `minFields` fields. The deploy path (one version's artifact) is neither.
 */
function worthCompiling(schema: GraphQLSchema, document: DocumentNode, minFields: number): boolean {
  let answer = worth.get(document);
  if (answer === undefined) {
    let fields = 0;
    let list = false;
    const types = new TypeInfo(schema);
    visit(
      document,
      visitWithTypeInfo(types, {
        Field() {
          fields += 1;
          const type = types.getType();
          if (type && isListType(getNullableType(type))) list = true;
        },
      }),
    );
    worth.set(document, (answer = list || fields >= minFields));
  }
  return answer;
}
