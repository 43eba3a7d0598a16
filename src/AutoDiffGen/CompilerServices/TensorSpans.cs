using System;
using System.ComponentModel;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.CompilerServices;

/// <summary>Element access for generated code, which indexes a tensor's span rather than the tensor: cheaper per element.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TensorSpans
{
    /// <summary>The elements of <paramref name="tensor"/>, or an empty span for null (a variable not assigned yet).</summary>
    public static Span<float> Of(Tensor? tensor) => tensor is null ? default : tensor.AsSpan();
}
