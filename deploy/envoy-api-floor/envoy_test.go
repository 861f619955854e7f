package envoyapifloor

import (
	"os"
	"strings"
	"testing"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/wasm/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/anypb"
	_ "google.golang.org/protobuf/types/known/wrapperspb"
	"sigs.k8s.io/yaml"
)

// decode reads an Envoy bootstrap strictly (unknown fields and unknown Any
// types are errors) and validates it and every Any inside it.
func decode(data []byte) error {
	j, err := yaml.YAMLToJSON(data)
	if err != nil {
		return err
	}
	var bs bootstrapv3.Bootstrap
	if err := protojson.Unmarshal(j, &bs); err != nil {
		return err
	}
	if err := bs.ValidateAll(); err != nil {
		return err
	}
	return validateAnys(bs.ProtoReflect())
}

// validateAnys unpacks every Any under m and runs its ValidateAll.
func validateAnys(m protoreflect.Message) error {
	var firstErr error
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		visit := func(msg protoreflect.Message) {
			if firstErr != nil {
				return
			}
			if a, ok := msg.Interface().(*anypb.Any); ok {
				inner, err := a.UnmarshalNew()
				if err == nil {
					if val, ok := inner.(interface{ ValidateAll() error }); ok {
						err = val.ValidateAll()
					}
				}
				if err == nil {
					err = validateAnys(inner.ProtoReflect())
				}
				if err != nil {
					firstErr = err
				}
				return
			}
			if err := validateAnys(msg); err != nil {
				firstErr = err
			}
		}
		switch {
		case fd.IsList() && fd.Message() != nil:
			for i := 0; i < v.List().Len(); i++ {
				visit(v.List().Get(i).Message())
			}
		case fd.IsMap() && fd.MapValue().Message() != nil:
			v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
				visit(mv.Message())
				return firstErr == nil
			})
		case fd.Message() != nil && !fd.IsList() && !fd.IsMap():
			visit(v.Message())
		}
		return firstErr == nil
	})
	return firstErr
}

// envoy.yaml decodes and validates strictly against the Envoy 1.32 API.
func TestEnvoyYAMLUsesOnlyFieldsOfEnvoy132(t *testing.T) {
	data, err := os.ReadFile("../../envoy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := decode(data); err != nil {
		t.Fatalf("envoy.yaml against go-control-plane v1.32.4: %v", err)
	}
}

// The check can fail: a field Envoy 1.32 does not know is refused.
func TestUnknownFieldIsRefused(t *testing.T) {
	data, err := os.ReadFile("../../envoy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(data), "failure_policy: FAIL_CLOSED", "failure_policy: FAIL_CLOSED\n                        no_such_field: true", 1)
	if bad == string(data) {
		t.Fatal("envoy.yaml no longer has failure_policy: FAIL_CLOSED; update this test")
	}
	if err := decode([]byte(bad)); err == nil {
		t.Error("an unknown field decoded")
	}
}
