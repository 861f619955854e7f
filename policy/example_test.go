package policy_test

import (
	"errors"
	"fmt"

	"github.com/cors-wasm/cors-wasm/policy"
)

// Load a configuration, then decide a preflight and read the reply.
func Example() {
	set, err := policy.Load([]byte(`{"policies":[{"name":"api",
		"allow_origins":["https://app.example.com"],"allow_methods":["PUT"],"max_age":600}]}`))
	if err != nil {
		panic(err)
	}
	var r policy.Request
	r.Reset()
	for _, h := range [][2]string{{":method", "OPTIONS"}, {":authority", "api.example.com"}, {":path", "/items"},
		{"origin", "https://app.example.com"}, {"access-control-request-method", "PUT"}} {
		r.AddHeader(h[0], h[1])
	}
	var d policy.Decision
	set.Decide(&r, &d)
	fmt.Println(d.Kind, d.Name, d.Allowed, d.Reply, d.Status)
	for _, f := range d.Fields() {
		fmt.Printf("%s: %s\n", f.Name, f.Value)
	}
	// Output:
	// preflight api true true 200
	// access-control-allow-origin: https://app.example.com
	// access-control-allow-methods: PUT
	// access-control-max-age: 600
	// vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers
}

// A refused configuration reports every problem, each with its kind and
// location in fields.
func ExampleErrors() {
	_, err := policy.Load([]byte(`{"policies":[{"name":"api","allow_origins":["*"],"allow_credentials":true,"max_age":"600"}]}`))
	var errs policy.Errors
	if errors.As(err, &errs) {
		for _, e := range errs {
			fmt.Printf("%s | policy %d, field %s, element %d | %s\n", e.Kind, e.Policy, e.Field, e.Elem, e.Path())
		}
	}
	// Output:
	// type | policy 0, field max_age, element -1 | policies[0].max_age
	// unsafe origin | policy 0, field allow_origins, element 0 | policies[0].allow_origins[0]
}
