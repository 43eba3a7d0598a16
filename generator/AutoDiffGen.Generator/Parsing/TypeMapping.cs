using AutoDiffGen.Generator.Ir;
using Microsoft.CodeAnalysis;

namespace AutoDiffGen.Generator.Parsing;

/// <summary>Maps Roslyn types onto <see cref="TypeRef"/> and <see cref="ScalarKind"/>.</summary>
internal static class TypeMapping
{
    private static readonly SymbolDisplayFormat s_qualified = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static ScalarKind ScalarKindOf(ITypeSymbol? type) => type?.SpecialType switch
    {
        SpecialType.System_Double => ScalarKind.Double,
        SpecialType.System_Single => ScalarKind.Float,
        SpecialType.System_Int32 => ScalarKind.Int32,
        SpecialType.System_Int64 => ScalarKind.Int64,
        SpecialType.System_Boolean => ScalarKind.Bool,
        _ => ScalarKind.Other,
    };

    public static bool IsTensor(ITypeSymbol? type) =>
        type is INamedTypeSymbol { Name: "Tensor", ContainingNamespace: { Name: "Tensors", ContainingNamespace: { Name: "AutoDiffGen", ContainingNamespace.IsGlobalNamespace: true } } };

    /// <summary>Whether a method may return this type from a [Differentiable] method: a real scalar or a tensor.</summary>
    public static bool IsDifferentiableResult(ITypeSymbol type) => ScalarKindOf(type).IsReal() || IsTensor(type);

    public static TypeRef From(ITypeSymbol type)
    {
        string name = type.ToDisplayString(s_qualified);
        switch (type)
        {
            case IArrayTypeSymbol { Rank: 1 } array:
                return new TypeRef(name, ValueShape.Array, ScalarKindOf(array.ElementType));
            case INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named
                when named.ContainingNamespace?.ToDisplayString() == "System" && named.Name is "ReadOnlySpan" or "Span":
                return new TypeRef(name, named.Name == "Span" ? ValueShape.Span : ValueShape.ReadOnlySpan, ScalarKindOf(named.TypeArguments[0]));
            case INamedTypeSymbol named when IsTensor(named):
                return TypeRef.Tensor;
            default:
                return new TypeRef(name, ValueShape.Scalar, ScalarKindOf(type));
        }
    }
}
