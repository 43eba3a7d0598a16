using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Ir;

namespace AutoDiffGen.Generator.Differentiation;

/// <summary>
/// Gives every costly call inside a larger expression (a [Differentiable] callee, or a transcendental function) a
/// local of its own, assigned just before the statement: <c>v = Exp(a·b) · c</c> becomes <c>exp0 = Exp(a·b); v = exp0 · c</c>.
/// The reverse sweep then reads the stored value (from a tape inside loops) instead of calling the function again.
/// </summary>
internal static class CallHoisting
{
    public static List<IrStmt> Hoist(IReadOnlyList<IrStmt> statements, NameScope names, List<LocalInfo> newLocals)
    {
        var output = new List<IrStmt>();
        foreach (IrStmt statement in statements)
        {
            switch (statement)
            {
                case Assign a when a.Value is not NewArray:
                {
                    var hoisted = new List<IrStmt>();
                    IrExpr value = Rewrite(a.Value, isRoot: true, names, newLocals, hoisted);
                    output.AddRange(hoisted);
                    output.Add(a with { Value = value });
                    break;
                }
                default:
                    output.Add(IrWalk.MapBlocks(statement, block => Hoist(block, names, newLocals)));
                    break;
            }
        }
        return output;
    }

    private static IrExpr Rewrite(IrExpr expr, bool isRoot, NameScope names, List<LocalInfo> newLocals, List<IrStmt> hoisted)
    {
        switch (expr)
        {
            case Unary u:
                return u with { Operand = Rewrite(u.Operand, false, names, newLocals, hoisted) };
            case Cast c:
                return c with { Operand = Rewrite(c.Operand, false, names, newLocals, hoisted) };
            case Binary b:
                return b with { Left = Rewrite(b.Left, false, names, newLocals, hoisted), Right = Rewrite(b.Right, false, names, newLocals, hoisted) };
            case Conditional:
                return expr; // only the branch taken may be evaluated
            case MathCall m:
            {
                var rewritten = m with { Args = m.Args.Select(arg => Rewrite(arg, false, names, newLocals, hoisted)).ToEquatableArray() };
                return !isRoot && IsCostly(m) ? Extract(rewritten, m.Function.ToString().ToLowerInvariant(), names, newLocals, hoisted) : rewritten;
            }
            case ConstantCall c:
            {
                var rewritten = c with { Args = c.Args.Select(arg => arg is VarRef ? arg : Rewrite(arg, false, names, newLocals, hoisted)).ToEquatableArray() };
                string method = c.Callee.Substring(c.Callee.LastIndexOf('.') + 1);
                return isRoot ? rewritten : Extract(rewritten, char.ToLowerInvariant(method[0]) + method.Substring(1), names, newLocals, hoisted);
            }
            case DiffCall d:
            {
                var rewritten = d with { Args = d.Args.Select(arg => arg is VarRef ? arg : Rewrite(arg, false, names, newLocals, hoisted)).ToEquatableArray() };
                return isRoot ? rewritten : Extract(rewritten, char.ToLowerInvariant(d.Callee.Name[0]) + d.Callee.Name.Substring(1), names, newLocals, hoisted);
            }
            default:
                return expr;
        }
    }

    private static bool IsCostly(MathCall call) => call.Kind.IsReal() && call.Function is not
        (MathFunction.Abs or MathFunction.Max or MathFunction.Min or MathFunction.Clamp or MathFunction.FusedMultiplyAdd or
         MathFunction.Sign or MathFunction.Floor or MathFunction.Ceiling or MathFunction.Round or MathFunction.Truncate);

    private static IrExpr Extract(IrExpr value, string baseName, NameScope names, List<LocalInfo> newLocals, List<IrStmt> hoisted)
    {
        string name = names.Numbered(baseName);
        newLocals.Add(new LocalInfo(name, TypeRef.Scalar(value.Kind)));
        hoisted.Add(new Assign(name, null, value, Declares: true));
        return new VarRef(name, value.Kind);
    }
}
