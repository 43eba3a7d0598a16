using System.Collections.Generic;
using AutoDiffGen.Generator.Ir;
using static AutoDiffGen.Generator.Ir.Ir;

namespace AutoDiffGen.Generator.Differentiation;

/// <summary>
/// The one table of derivative rules. A rule receives the operands' values, the result's value <c>y</c> and the
/// adjoint <c>dy</c> flowing into the result, and returns what each operand's adjoint gains (null: nothing).
/// Reverse mode emits <c>dOperand += contribution</c>. Operands and <c>y</c> are cheap expressions (variables,
/// constants or temporaries), so a rule may use them more than once.
/// </summary>
internal static class DerivativeRules
{
    /// <summary>Computes the contribution of <c>dy</c> to each operand.</summary>
    public delegate IrExpr?[] Rule(IReadOnlyList<IrExpr> x, IrExpr y, IrExpr dy, ScalarKind kind);

    /// <summary>Whether the rule for <paramref name="function"/> reads the result <c>y</c> (which then must be computed).</summary>
    public static bool UsesResult(MathFunction function) => function is
        MathFunction.Tan or MathFunction.Tanh or MathFunction.Exp or MathFunction.Sqrt or MathFunction.Cbrt or MathFunction.Pow;

    private static readonly Dictionary<MathFunction, Rule> s_math = new()
    {
        // 1. Trigonometric
        [MathFunction.Sin] = static (x, y, dy, k) => [Mul(dy, Call(MathFunction.Cos, k, x[0]))],                         // (sin x)' = cos x
        [MathFunction.Cos] = static (x, y, dy, k) => [Neg(Mul(dy, Call(MathFunction.Sin, k, x[0])))],                    // (cos x)' = −sin x
        [MathFunction.Tan] = static (x, y, dy, k) => [Mul(dy, Add(Const(1, k), Mul(y, y)))],                             // (tan x)' = 1 + tan² x
        [MathFunction.Asin] = static (x, y, dy, k) => [Div(dy, Call(MathFunction.Sqrt, k, Sub(Const(1, k), Mul(x[0], x[0]))))],  // 1/√(1−x²)
        [MathFunction.Acos] = static (x, y, dy, k) => [Neg(Div(dy, Call(MathFunction.Sqrt, k, Sub(Const(1, k), Mul(x[0], x[0])))))], // −1/√(1−x²)
        [MathFunction.Atan] = static (x, y, dy, k) => [Div(dy, Add(Const(1, k), Mul(x[0], x[0])))],                      // 1/(1+x²)
        // atan2(a, b): ∂/∂a = b/(a²+b²), ∂/∂b = −a/(a²+b²)
        [MathFunction.Atan2] = static (x, y, dy, k) =>
        [
            Div(Mul(dy, x[1]), Add(Mul(x[0], x[0]), Mul(x[1], x[1]))),
            Neg(Div(Mul(dy, x[0]), Add(Mul(x[0], x[0]), Mul(x[1], x[1])))),
        ],
        // 2. Hyperbolic
        [MathFunction.Sinh] = static (x, y, dy, k) => [Mul(dy, Call(MathFunction.Cosh, k, x[0]))],                       // (sinh x)' = cosh x
        [MathFunction.Cosh] = static (x, y, dy, k) => [Mul(dy, Call(MathFunction.Sinh, k, x[0]))],                       // (cosh x)' = sinh x
        [MathFunction.Tanh] = static (x, y, dy, k) => [Mul(dy, Sub(Const(1, k), Mul(y, y)))],                            // (tanh x)' = 1 − tanh² x
        // 3. Exponential and logarithms
        [MathFunction.Exp] = static (x, y, dy, k) => [Mul(dy, y)],                                                       // (eˣ)' = eˣ
        // ln x: 1/x. log_b x = ln x / ln b: ∂/∂x = 1/(x ln b), ∂/∂b = −ln x / (b (ln b)²)
        [MathFunction.Log] = static (x, y, dy, k) => x.Count == 1
            ? [Div(dy, x[0])]
            : [
                Div(dy, Mul(x[0], Call(MathFunction.Log, k, x[1]))),
                Neg(Div(Mul(dy, Call(MathFunction.Log, k, x[0])), Mul(x[1], Mul(Call(MathFunction.Log, k, x[1]), Call(MathFunction.Log, k, x[1]))))),
            ],
        [MathFunction.Log10] = static (x, y, dy, k) => [Div(dy, Mul(x[0], Const(2.302585092994046, k)))],               // 1/(x ln 10)
        [MathFunction.Log2] = static (x, y, dy, k) => [Div(dy, Mul(x[0], Const(0.6931471805599453, k)))],               // 1/(x ln 2)
        // 4. Powers and roots
        [MathFunction.Sqrt] = static (x, y, dy, k) => [Div(dy, Mul(Const(2, k), y))],                                    // (√x)' = 1/(2√x)
        [MathFunction.Cbrt] = static (x, y, dy, k) => [Div(dy, Mul(Const(3, k), Mul(y, y)))],                            // (∛x)' = 1/(3∛x²)
        // aᵇ: ∂/∂a = b·aᵇ⁻¹; ∂/∂b = aᵇ·ln a, taken as 0 where a ≤ 0 (there aᵇ is constant in b or undefined)
        [MathFunction.Pow] = static (x, y, dy, k) =>
        [
            Mul(dy, Mul(x[1], Call(MathFunction.Pow, k, x[0], Sub(x[1], Const(1, k))))),
            Select(Compare(BinaryOp.Greater, x[0], Const(0, k)), Mul(dy, Mul(y, Call(MathFunction.Log, k, x[0]))), Const(0, k)),
        ],
        // 5. Piecewise: the derivative of the branch taken (0 for |x| at x = 0)
        [MathFunction.Abs] = static (x, y, dy, k) =>
            [Select(Compare(BinaryOp.Greater, x[0], Const(0, k)), dy, Select(Compare(BinaryOp.Less, x[0], Const(0, k)), Neg(dy), Const(0, k)))],
        [MathFunction.Max] = static (x, y, dy, k) =>
            [Select(Compare(BinaryOp.GreaterOrEqual, x[0], x[1]), dy, Const(0, k)), Select(Compare(BinaryOp.GreaterOrEqual, x[0], x[1]), Const(0, k), dy)],
        [MathFunction.Min] = static (x, y, dy, k) =>
            [Select(Compare(BinaryOp.LessOrEqual, x[0], x[1]), dy, Const(0, k)), Select(Compare(BinaryOp.LessOrEqual, x[0], x[1]), Const(0, k), dy)],
        // clamp(v, lo, hi) is lo below lo, hi above hi, else v
        [MathFunction.Clamp] = static (x, y, dy, k) =>
        [
            Select(Compare(BinaryOp.Less, x[0], x[1]), Const(0, k), Select(Compare(BinaryOp.Greater, x[0], x[2]), Const(0, k), dy)),
            Select(Compare(BinaryOp.Less, x[0], x[1]), dy, Const(0, k)),
            Select(Compare(BinaryOp.Less, x[0], x[1]), Const(0, k), Select(Compare(BinaryOp.Greater, x[0], x[2]), dy, Const(0, k))),
        ],
        // fma(a, b, c) = a·b + c
        [MathFunction.FusedMultiplyAdd] = static (x, y, dy, k) => [Mul(dy, x[1]), Mul(dy, x[0]), dy],
        // 6. Step functions: zero almost everywhere
        [MathFunction.Sign] = static (x, y, dy, k) => [null],
        [MathFunction.Floor] = static (x, y, dy, k) => [null],
        [MathFunction.Ceiling] = static (x, y, dy, k) => [null],
        [MathFunction.Round] = static (x, y, dy, k) => [null, null],
        [MathFunction.Truncate] = static (x, y, dy, k) => [null],
    };

    public static Rule ForMath(MathFunction function) => s_math[function];

    /// <summary>Rules for the arithmetic operators, in the same form.</summary>
    public static IrExpr?[] ForBinary(BinaryOp op, IrExpr a, IrExpr b, IrExpr y, IrExpr dy, ScalarKind k) => op switch
    {
        BinaryOp.Multiply when a.Equals(b) => [Mul(Mul(Const(2, k), dy), a), null],   // (a·a): ∂/∂a = 2a
        BinaryOp.Add => [dy, dy],                                                 // (a + b)
        BinaryOp.Subtract => [dy, Neg(dy)],                                       // (a − b)
        BinaryOp.Multiply => [Mul(dy, b), Mul(dy, a)],                            // (a·b): ∂/∂a = b, ∂/∂b = a
        BinaryOp.Divide => [Div(dy, b), Neg(Div(Mul(dy, y), b))],                 // (a/b): ∂/∂a = 1/b, ∂/∂b = −(a/b)/b
        BinaryOp.Remainder => [dy, Neg(Mul(dy, Call(MathFunction.Truncate, k, Div(a, b))))], // a − b·trunc(a/b)
        _ => [null, null],                                                        // comparisons carry no derivative
    };
}
