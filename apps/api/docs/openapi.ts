import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export function buildOpenApiDocument(app: NestFastifyApplication, publicUrl: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Account service')
    .setDescription('Sign-in, MFA, API keys, billing, recovery and audit for the platform. Errors are `{ error, message, details? }`.')
    .setVersion('1')
    .addServer(publicUrl)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'access token, or a platform service token' })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** `GET /docs`: the OpenAPI document (JSON), generated from the controllers and DTOs at start-up. */
export function serveOpenApiDocument(app: NestFastifyApplication, publicUrl: string): void {
  let document: OpenAPIObject | undefined;
  app
    .getHttpAdapter()
    .getInstance()
    .get('/docs', async (_request, reply) => {
      document ??= buildOpenApiDocument(app, publicUrl);
      return reply.header('content-type', 'application/json; charset=utf-8').send(document);
    });
}
