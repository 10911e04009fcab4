import { ApolloServerPlugin } from '@apollo/server';
import { BadInputError } from '../common/errors';
import { findIllFormedString, printPath } from '../common/well-formed';

/**
 * Refuses a request whose variables hold a string that is not well-formed Unicode, before anything
 * runs, naming where it is (`input.metadata.notes[0]`). Variables are where such strings come
 * from: in the document itself graphql-js's lexer refuses them (GRAPHQL_PARSE_FAILED), as the
 * GraphQL spec requires. One walk over the variables, however they are used: every argument,
 * input field, list item and JSON key or value of every operation passes through here.
 */
export const wellFormedVariablesPlugin: ApolloServerPlugin = {
  async requestDidStart({ request }) {
    // Nothing to check, nothing to hook: most reads send a few short variables or none.
    if (!request.variables) return;
    return {
      async didResolveOperation({ request: { variables } }) {
        const found = variables && findIllFormedString(variables);
        if (!found) return;
        const field = printPath(found.path);
        const unit = found.codeUnit.toString(16).toUpperCase();
        throw new BadInputError(
          `"${field}" is not well-formed Unicode: it has a lone surrogate (U+${unit}) at index ${found.index}. ` +
            'Send characters beyond U+FFFF as a surrogate pair (\\ud83d\\ude80) or as they are, in UTF-8.',
          field,
          // Apollo answers an error thrown here with HTTP 500 unless the error says otherwise.
          { http: { status: 400 } },
        );
      },
    };
  },
};
