import { ApolloServerPlugin } from '@apollo/server';
import { currentRequestScope } from '../common/request-scope';

/** Notes the operation's name on the request scope once Apollo has resolved it, for the log line and metrics. */
export const operationNamePlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operationName }) {
        const scope = currentRequestScope();
        if (scope) scope.operationName = operationName;
      },
    };
  },
};
