using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using AutoDiffGen.Generator.Ir;
using Microsoft.CodeAnalysis;

namespace AutoDiffGen.Generator.Parsing;

/// <summary>
/// Finds hand-written pullbacks registered with [DerivativeOf] for a callee that is not [Differentiable]. They are
/// looked up in the callee's own type and in the caller's type, in source and in referenced assemblies alike.
/// </summary>
internal static class CustomDerivatives
{
    /// <summary>What a lookup found: nothing, a usable pullback, or registered pullbacks whose signatures do not fit.</summary>
    public sealed class Lookup
    {
        public IMethodSymbol? Pullback { get; init; }

        public IReadOnlyList<IMethodSymbol> Mismatched { get; init; } = [];
    }

    public static Lookup Find(IMethodSymbol callee, INamedTypeSymbol callerType)
    {
        var mismatched = new List<IMethodSymbol>();
        foreach (INamedTypeSymbol holder in new[] { callee.ContainingType, callerType }.Distinct<INamedTypeSymbol>(SymbolEqualityComparer.Default))
        {
            foreach (IMethodSymbol candidate in holder.GetMembers().OfType<IMethodSymbol>())
            {
                if (!Registers(candidate, callee))
                {
                    continue;
                }
                if (Fits(candidate, callee))
                {
                    return new Lookup { Pullback = candidate };
                }
                mismatched.Add(candidate);
            }
        }
        return new Lookup { Mismatched = mismatched };
    }

    /// <summary>Whether the parameter gets an adjoint: a real scalar, array or read-only span not marked [NoDerivative].</summary>
    public static bool IsDifferentiable(IParameterSymbol parameter)
    {
        TypeRef type = TypeMapping.From(parameter.Type);
        return type.IsReal && type.Shape != ValueShape.Span &&
            !parameter.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.NoDerivativeAttribute);
    }

    /// <summary>The signature a pullback of <paramref name="callee"/> must have, for messages.</summary>
    public static string ExpectedSignature(IMethodSymbol callee)
    {
        var parts = callee.Parameters.Select(p => Display(p.Type)).ToList();
        parts.Add(Display(callee.ReturnType) + " seed");
        foreach (IParameterSymbol parameter in callee.Parameters.Where(IsDifferentiable))
        {
            TypeRef type = TypeMapping.From(parameter.Type);
            parts.Add(type.IsScalar ? $"ref {Display(parameter.Type)} d{parameter.Name}"
                : type.IsTensor ? $"Tensor? d{parameter.Name}"
                : $"Span<{ScalarKinds.Keyword(type.Element)}> d{parameter.Name}");
        }
        return string.Join(", ", parts);
    }

    public static string ActualSignature(IMethodSymbol pullback) =>
        string.Join(", ", pullback.Parameters.Select(p => (p.RefKind == RefKind.Ref ? "ref " : p.RefKind == RefKind.Out ? "out " : p.RefKind == RefKind.In ? "in " : string.Empty) + Display(p.Type)));

    private static string Display(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);

    private static bool Registers(IMethodSymbol candidate, IMethodSymbol callee)
    {
        foreach (AttributeData attribute in candidate.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() != KnownNames.DerivativeOfAttribute)
            {
                continue;
            }
            ImmutableArray<TypedConstant> args = attribute.ConstructorArguments;
            if (args.Length == 2 && args[0].Value is INamedTypeSymbol type && args[1].Value is string name &&
                name == callee.Name && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, callee.ContainingType.OriginalDefinition))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Fits(IMethodSymbol pullback, IMethodSymbol callee)
    {
        if (!pullback.IsStatic || !pullback.ReturnsVoid || pullback.IsGenericMethod)
        {
            return false;
        }
        IParameterSymbol[] differentiable = callee.Parameters.Where(IsDifferentiable).ToArray();
        ImmutableArray<IParameterSymbol> actual = pullback.Parameters;
        if (actual.Length != callee.Parameters.Length + 1 + differentiable.Length)
        {
            return false;
        }
        for (int i = 0; i < callee.Parameters.Length; i++)
        {
            if (actual[i].RefKind != RefKind.None || !SymbolEqualityComparer.Default.Equals(actual[i].Type, callee.Parameters[i].Type))
            {
                return false;
            }
        }
        IParameterSymbol seed = actual[callee.Parameters.Length];
        if (seed.RefKind != RefKind.None || !SymbolEqualityComparer.Default.Equals(seed.Type, callee.ReturnType))
        {
            return false;
        }
        for (int k = 0; k < differentiable.Length; k++)
        {
            IParameterSymbol adjoint = actual[callee.Parameters.Length + 1 + k];
            TypeRef primal = TypeMapping.From(differentiable[k].Type);
            bool fits = primal.IsScalar
                ? adjoint.RefKind == RefKind.Ref && SymbolEqualityComparer.Default.Equals(adjoint.Type, differentiable[k].Type)
                : primal.IsTensor ? adjoint.RefKind == RefKind.None && TypeMapping.IsTensor(adjoint.Type)
                : adjoint.RefKind == RefKind.None && TypeMapping.From(adjoint.Type) is { Shape: ValueShape.Span } span && span.Element == primal.Element;
            if (!fits)
            {
                return false;
            }
        }
        return true;
    }
}
