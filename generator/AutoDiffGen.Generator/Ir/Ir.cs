namespace AutoDiffGen.Generator.Ir;

/// <summary>
/// Builders for IR expressions that fold the trivial cases (x·1, x + 0, −(−x)), so that derivative rules can be
/// written as plain formulas and the generated code still reads like a hand derivation.
/// </summary>
internal static class Ir
{
    public static Literal Const(double value, ScalarKind kind) => new(value, kind);

    public static bool IsConst(IrExpr e, double value) => e is Literal l && l.Value == value;

    public static IrExpr Add(IrExpr a, IrExpr b)
    {
        if (IsConst(a, 0))
        {
            return b;
        }
        if (IsConst(b, 0))
        {
            return a;
        }
        if (b is Unary { Op: UnaryOp.Negate } negated)
        {
            return new Binary(BinaryOp.Subtract, a, negated.Operand, a.Kind);
        }
        return new Binary(BinaryOp.Add, a, b, a.Kind);
    }

    public static IrExpr Sub(IrExpr a, IrExpr b) =>
        IsConst(b, 0) ? a : IsConst(a, 0) ? Neg(b) : new Binary(BinaryOp.Subtract, a, b, a.Kind);

    public static IrExpr Mul(IrExpr a, IrExpr b)
    {
        if (IsConst(a, 1))
        {
            return b;
        }
        if (IsConst(b, 1))
        {
            return a;
        }
        if (IsConst(a, -1))
        {
            return Neg(b);
        }
        if (IsConst(b, -1))
        {
            return Neg(a);
        }
        if (a is Unary { Op: UnaryOp.Negate } na)
        {
            return Neg(Mul(na.Operand, b));
        }
        if (b is Unary { Op: UnaryOp.Negate } nb)
        {
            return Neg(Mul(a, nb.Operand));
        }
        return new Binary(BinaryOp.Multiply, a, b, a.Kind);
    }

    public static IrExpr Div(IrExpr a, IrExpr b)
    {
        if (IsConst(b, 1))
        {
            return a;
        }
        if (a is Unary { Op: UnaryOp.Negate } na)
        {
            return Neg(Div(na.Operand, b));
        }
        return new Binary(BinaryOp.Divide, a, b, a.Kind);
    }

    public static IrExpr Neg(IrExpr a) => a switch
    {
        Unary { Op: UnaryOp.Negate } n => n.Operand,
        Literal l => new Literal(-l.Value, l.Kind),
        _ => new Unary(UnaryOp.Negate, a, a.Kind),
    };

    public static IrExpr Call(MathFunction function, ScalarKind kind, params IrExpr[] args) =>
        new MathCall(function, args.ToEquatableArray(), kind);

    public static IrExpr Compare(BinaryOp op, IrExpr a, IrExpr b) => new Binary(op, a, b, ScalarKind.Bool);

    public static IrExpr Select(IrExpr condition, IrExpr whenTrue, IrExpr whenFalse) =>
        new Conditional(condition, whenTrue, whenFalse, whenTrue.Kind);
}
