package wasmhost

import "context"

func contextWith(ctx context.Context, st *streamState) context.Context {
	return context.WithValue(ctx, streamKey{}, st)
}
