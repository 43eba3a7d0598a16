namespace AutoDiffGen.Generator.Ir;

/// <summary>The scalar kinds the generator reasons about. Only <see cref="Double"/> and <see cref="Float"/> carry derivatives.</summary>
internal enum ScalarKind
{
    Double,
    Float,
    Int32,
    Int64,
    Bool,
    Other,
}

/// <summary>Whether a value is a single scalar or a sequence of them.</summary>
internal enum ValueShape
{
    Scalar,
    Array,
    ReadOnlySpan,
    Span,

    /// <summary>The runtime's <c>AutoDiffGen.Tensors.Tensor</c>: float32, row-major, indexed like an array, with rows and columns.</summary>
    Tensor,
}

/// <summary>
/// A type as the generator needs it: the fully qualified name to print, its shape and its element kind.
/// </summary>
/// <remarks>Cached by the pipeline: holds strings and enums only, never an <c>ITypeSymbol</c>.</remarks>
internal sealed record TypeRef(string Name, ValueShape Shape, ScalarKind Element)
{
    public bool IsReal => Element is ScalarKind.Double or ScalarKind.Float;

    public bool IsScalar => Shape == ValueShape.Scalar;

    public bool IsSequence => Shape != ValueShape.Scalar;

    public bool IsTensor => Shape == ValueShape.Tensor;

    /// <summary>The runtime tensor type.</summary>
    public static TypeRef Tensor { get; } = new(KnownNames.TensorType, ValueShape.Tensor, ScalarKind.Float);

    public static TypeRef Scalar(ScalarKind kind) => new(ScalarKinds.Keyword(kind), ValueShape.Scalar, kind);
}

/// <summary>Names and predicates over <see cref="ScalarKind"/>.</summary>
internal static class ScalarKinds
{
    public static bool IsReal(this ScalarKind kind) => kind is ScalarKind.Double or ScalarKind.Float;

    public static bool IsIntegral(this ScalarKind kind) => kind is ScalarKind.Int32 or ScalarKind.Int64;

    public static string Keyword(ScalarKind kind) => kind switch
    {
        ScalarKind.Double => "double",
        ScalarKind.Float => "float",
        ScalarKind.Int32 => "int",
        ScalarKind.Int64 => "long",
        ScalarKind.Bool => "bool",
        _ => "object",
    };
}
