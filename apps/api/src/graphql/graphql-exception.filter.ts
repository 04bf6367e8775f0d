import { ArgumentsHost, Catch } from '@nestjs/common';
import { GqlExceptionFilter } from '@nestjs/graphql';

/**
 * Hands every resolver error to Apollo's formatError (one place decides what clients see and what is logged). Errors
 * of HTTP routes (REST controllers, unknown routes, Express) go on to the global HttpErrorFilter of @cdtg/runtime,
 * which answers JSON in the same GraphQL error shape.
 */
@Catch()
export class GraphqlExceptionFilter implements GqlExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() !== 'graphql') throw exception;
    return exception;
  }
}
