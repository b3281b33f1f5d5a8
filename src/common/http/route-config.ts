/** Per-route options our global Fastify hooks read (`@RouteConfig({...})` in Nest, `config` on raw routes). */
declare module 'fastify' {
  interface FastifyContextConfig {
    /** Run CSRF protection before the handler (staff form posts). */
    csrf?: boolean;
    /** false: no access-log line (hot, high-volume routes; metrics still count them). */
    accessLog?: boolean;
    /** true: the handler refuses NUL characters in the body itself, item by item (see rejectNulCharacters). */
    nulCheckedByHandler?: boolean;
  }
}

export {};
