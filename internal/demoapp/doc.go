// Package demoapp is the demo upstream of `make run` and docker-compose: a
// small JSON API that knows nothing about CORS, and a page to serve from a
// second origin whose buttons call the API through the proxy. cmd/demoapi
// serves it on its own; devproxy -demo-api/-demo-page serves it in the
// proxy's process, so `make run` is one process that stops as a whole.
package demoapp
