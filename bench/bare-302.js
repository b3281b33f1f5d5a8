// Baseline for bench:redirect: a bare Node http server answering the same 302 the app answers.
const http = require('node:http');

const location = process.env.BENCH_LOCATION || 'http://localhost:3000/p/bench';
const server = http.createServer((req, res) => {
  res.writeHead(302, { location, 'cache-control': 'no-store' });
  res.end();
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
