namespace AutoDiffGen.Generator.Ir;

/// <summary>A parameter of a [Differentiable] method; <see cref="IsDifferentiable"/> parameters get an adjoint.</summary>
internal sealed record ParameterIr(string Name, TypeRef Type, bool IsDifferentiable);

/// <summary>
/// A [Differentiable] method, parsed: where it lives, its signature, its locals (renamed apart so that they can
/// all be declared at the top of the generated method) and its body.
/// </summary>
/// <remarks>
/// Cached by the pipeline: immutable, structurally equal, and free of ISymbol, SyntaxNode, Location and
/// Compilation. A method that returns a tensor ends with its only return statement, which returns a local. It holds no source location either, so moving a method leaves it equal and re-emits nothing.
/// </remarks>
internal sealed record MethodIr(
    TypeHierarchy ContainingType,
    string Name,
    string Accessibility,
    ScalarKind ReturnKind,
    EquatableArray<ParameterIr> Parameters,
    EquatableArray<LocalInfo> Locals,
    EquatableArray<IrStmt> Body,
    string HintName,
    bool ReturnsTensor = false)
{
    public string GradientName => Name + "Gradient";

    public string PullbackName => Name + "Pullback";
}
