package deploy_test

import (
	"strconv"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/anypb"
)

// unpacked is one Any found in a message tree, unpacked and validated.
type unpacked struct {
	where string
	msg   proto.Message
	err   error
}

// unpackAll finds every google.protobuf.Any under m (inside unpacked Anys
// too), unpacks it into its concrete type and runs that type's ValidateAll:
// the bootstrap's own ValidateAll does not look inside an Any.
func unpackAll(m protoreflect.Message, where string) []unpacked {
	var out []unpacked
	walkAnys(m, where, func(where string, a *anypb.Any) {
		msg, err := a.UnmarshalNew()
		if err == nil {
			if v, ok := msg.(interface{ ValidateAll() error }); ok {
				err = v.ValidateAll()
			}
		}
		out = append(out, unpacked{where, msg, err})
		if msg != nil {
			out = append(out, unpackAll(msg.ProtoReflect(), where+"<"+a.GetTypeUrl()+">")...)
		}
	})
	return out
}

// walkAnys calls fn for every populated google.protobuf.Any field, list
// element or map value under m, with a readable path.
func walkAnys(m protoreflect.Message, where string, fn func(where string, a *anypb.Any)) {
	if a, ok := m.Interface().(*anypb.Any); ok {
		fn(where, a)
		return
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		at := where + "." + string(fd.Name())
		switch {
		case fd.IsList() && fd.Message() != nil:
			for i := 0; i < v.List().Len(); i++ {
				walkAnys(v.List().Get(i).Message(), at+"["+strconv.Itoa(i)+"]", fn)
			}
		case fd.IsMap() && fd.MapValue().Message() != nil:
			v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				walkAnys(mv.Message(), at+"["+k.String()+"]", fn)
				return true
			})
		case !fd.IsList() && !fd.IsMap() && fd.Message() != nil:
			walkAnys(v.Message(), at, fn)
		}
		return true
	})
}
