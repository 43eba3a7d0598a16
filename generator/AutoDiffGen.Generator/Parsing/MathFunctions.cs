using System.Collections.Generic;
using AutoDiffGen.Generator.Ir;
using Microsoft.CodeAnalysis;

namespace AutoDiffGen.Generator.Parsing;

/// <summary>Recognizes calls to the functions of System.Math and System.MathF (and their double and float twins) that have a rule.</summary>
internal static class MathFunctions
{
    private static readonly Dictionary<string, MathFunction> s_byName = new()
    {
        ["Sin"] = MathFunction.Sin,
        ["Cos"] = MathFunction.Cos,
        ["Tan"] = MathFunction.Tan,
        ["Asin"] = MathFunction.Asin,
        ["Acos"] = MathFunction.Acos,
        ["Atan"] = MathFunction.Atan,
        ["Atan2"] = MathFunction.Atan2,
        ["Sinh"] = MathFunction.Sinh,
        ["Cosh"] = MathFunction.Cosh,
        ["Tanh"] = MathFunction.Tanh,
        ["Exp"] = MathFunction.Exp,
        ["Log"] = MathFunction.Log,
        ["Log10"] = MathFunction.Log10,
        ["Log2"] = MathFunction.Log2,
        ["Sqrt"] = MathFunction.Sqrt,
        ["Cbrt"] = MathFunction.Cbrt,
        ["Pow"] = MathFunction.Pow,
        ["Abs"] = MathFunction.Abs,
        ["Max"] = MathFunction.Max,
        ["Min"] = MathFunction.Min,
        ["Clamp"] = MathFunction.Clamp,
        ["FusedMultiplyAdd"] = MathFunction.FusedMultiplyAdd,
        ["Sign"] = MathFunction.Sign,
        ["Floor"] = MathFunction.Floor,
        ["Ceiling"] = MathFunction.Ceiling,
        ["Round"] = MathFunction.Round,
        ["Truncate"] = MathFunction.Truncate,
    };

    public static bool TryResolve(IMethodSymbol method, out MathFunction function)
    {
        function = default;
        INamedTypeSymbol? type = method.ContainingType;
        bool isMathType = type is not null && type.ContainingNamespace?.ToDisplayString() == "System" &&
            type.Name is "Math" or "MathF" or "Double" or "Single";
        return isMathType && method.IsStatic && s_byName.TryGetValue(method.Name, out function);
    }

    /// <summary>The text that calls <paramref name="function"/> for <paramref name="kind"/>, such as <c>global::System.MathF.Sin</c>.</summary>
    public static string QualifiedName(MathFunction function, ScalarKind kind) =>
        (kind == ScalarKind.Float ? "global::System.MathF." : "global::System.Math.") + function;
}
