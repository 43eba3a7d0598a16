using System.Linq;
using AutoDiffGen.Generator.Ir;
using AutoDiffGen.Generator.Parsing;

namespace AutoDiffGen.Generator.Emission;

/// <summary>Prints IR expressions and statements as C#, with the fewest parentheses that keep C#'s precedence right.</summary>
internal static class SourcePrinter
{
    // Binding strength, loosest first, after the C# specification's operator table.
    private const int ConditionalLevel = 1;
    private const int LogicalOrLevel = 2;
    private const int LogicalAndLevel = 3;
    private const int EqualityLevel = 4;
    private const int RelationalLevel = 5;
    private const int AdditiveLevel = 6;
    private const int MultiplicativeLevel = 7;
    private const int UnaryLevel = 8;
    private const int PrimaryLevel = 9;

    public static string Expr(IrExpr expr) => Print(expr, out _);

    /// <summary>A one-line form of an assignment, for comments in generated code.</summary>
    public static string Statement(Assign assign)
    {
        string target = assign.Target + (assign.Index is null ? string.Empty : "[" + Expr(assign.Index) + "]");
        // x = x op e reads better as x op= e, which is how it was most likely written.
        if (assign.Value is Binary { Op: BinaryOp.Add or BinaryOp.Subtract or BinaryOp.Multiply or BinaryOp.Divide } binary &&
            IsTarget(binary.Left, assign))
        {
            string symbol = binary.Op switch { BinaryOp.Add => "+=", BinaryOp.Subtract => "-=", BinaryOp.Multiply => "*=", _ => "/=" };
            return target + " " + symbol + " " + Expr(binary.Right);
        }
        return target + " = " + Expr(assign.Value);
    }

    private static bool IsTarget(IrExpr expr, Assign assign) => expr switch
    {
        VarRef v => assign.Index is null && v.Name == assign.Target,
        ElementRef e => assign.Index is not null && e.Array == assign.Target && e.Index.Equals(assign.Index),
        _ => false,
    };

    private static string Print(IrExpr expr, out int level)
    {
        switch (expr)
        {
            case Literal l:
                string text = Literals.Format(l.Value, l.Kind);
                level = text.StartsWith("-", System.StringComparison.Ordinal) ? UnaryLevel : PrimaryLevel;
                return text;
            case VarRef v:
                level = PrimaryLevel;
                return v.Name;
            case ElementRef e:
                level = PrimaryLevel;
                return e.Array + "[" + Expr(e.Index) + "]";
            case LengthOf l:
                level = PrimaryLevel;
                return l.Array + ".Length";
            case DimensionOf d:
                level = PrimaryLevel;
                return d.Tensor + "." + d.Dimension;
            case NewTensor { Like: { } like }:
                level = PrimaryLevel;
                return KnownNames.TensorType + ".ZerosLike(" + like + ")";
            case NewTensor n:
                level = PrimaryLevel;
                return KnownNames.TensorType + ".Zeros(" + string.Join(", ", n.Dimensions.Select(Expr)) + ")";
            case Unary u:
                level = UnaryLevel;
                string op = u.Op == UnaryOp.Negate ? "-" : "!";
                string operand = Operand(u.Operand, UnaryLevel);
                // "- -x" must not print as "--x".
                return op + (operand.StartsWith(op, System.StringComparison.Ordinal) ? " " : string.Empty) + operand;
            case Cast c:
                level = UnaryLevel;
                return "(" + ScalarKinds.Keyword(c.Kind) + ")" + Operand(c.Operand, UnaryLevel);
            case Binary b:
            {
                (string symbol, int bindLevel) = b.Op switch
                {
                    BinaryOp.Add => ("+", AdditiveLevel),
                    BinaryOp.Subtract => ("-", AdditiveLevel),
                    BinaryOp.Multiply => ("*", MultiplicativeLevel),
                    BinaryOp.Divide => ("/", MultiplicativeLevel),
                    BinaryOp.Remainder => ("%", MultiplicativeLevel),
                    BinaryOp.Less => ("<", RelationalLevel),
                    BinaryOp.LessOrEqual => ("<=", RelationalLevel),
                    BinaryOp.Greater => (">", RelationalLevel),
                    BinaryOp.GreaterOrEqual => (">=", RelationalLevel),
                    BinaryOp.Equal => ("==", EqualityLevel),
                    BinaryOp.NotEqual => ("!=", EqualityLevel),
                    BinaryOp.And => ("&&", LogicalAndLevel),
                    _ => ("||", LogicalOrLevel),
                };
                level = bindLevel;
                // Left-associative: the right operand needs parentheses at the same level.
                return Operand(b.Left, bindLevel) + " " + symbol + " " + Operand(b.Right, bindLevel + 1);
            }
            case Ir.Conditional { Kind: ScalarKind.Float or ScalarKind.Double, WhenFalse: Literal { Value: 0 } } c when IsSafeToEvaluate(c.WhenTrue):
                level = PrimaryLevel;
                return KnownNames.Mask + ".Keep(" + Expr(c.Condition) + ", " + Expr(c.WhenTrue) + ")";
            case Ir.Conditional { Kind: ScalarKind.Float or ScalarKind.Double, WhenTrue: Literal { Value: 0 } } c when IsSafeToEvaluate(c.WhenFalse):
                level = PrimaryLevel;
                return KnownNames.Mask + ".Keep(" + Operand(new Unary(UnaryOp.Not, c.Condition, ScalarKind.Bool), UnaryLevel) + ", " + Expr(c.WhenFalse) + ")";
            case Ir.Conditional c:
                level = ConditionalLevel;
                return Operand(c.Condition, LogicalOrLevel) + " ? " + Operand(c.WhenTrue, ConditionalLevel) + " : " + Operand(c.WhenFalse, ConditionalLevel);
            case MathCall m:
                level = PrimaryLevel;
                return MathName(m) + "(" + string.Join(", ", m.Args.Select(Expr)) + ")";
            case DiffCall d:
                level = PrimaryLevel;
                return d.Callee.ContainingType + "." + d.Callee.Name + "(" + string.Join(", ", d.Args.Select(Expr)) + ")";
            case ForwardCall f:
                level = PrimaryLevel;
                return f.Callee.ContainingType + "." + f.Callee.Name + "Forward(" + string.Join(", ", f.Args.Select(Expr).Concat(["ref " + f.State])) + ")";
            case ConstantCall c:
                level = PrimaryLevel;
                return c.Callee + "(" + string.Join(", ", c.Args.Select(Expr)) + ")";
            case NewArray n:
                level = PrimaryLevel;
                return "new " + ScalarKinds.Keyword(n.Kind) + "[" + Expr(n.Length) + "]";
            case TapePop t:
                level = PrimaryLevel;
                return t.Tape + ".Pop()";
            default:
                level = PrimaryLevel;
                return "default";
        }
    }

    /// <summary>
    /// Whether evaluating <paramref name="expr"/> when its branch is not taken is harmless and cheap: plain variables
    /// and arithmetic on them (no element reads, which could be out of range, and no function calls).
    /// </summary>
    private static bool IsSafeToEvaluate(IrExpr expr) => expr switch
    {
        Literal or VarRef => true,
        Unary u => IsSafeToEvaluate(u.Operand),
        Cast c => IsSafeToEvaluate(c.Operand),
        Binary { Op: BinaryOp.Add or BinaryOp.Subtract or BinaryOp.Multiply or BinaryOp.Divide } b => IsSafeToEvaluate(b.Left) && IsSafeToEvaluate(b.Right),
        _ => false,
    };

    private static string MathName(MathCall call)
    {
        // Math.Clamp and Math.Round have float overloads; MathF has no Clamp.
        ScalarKind kind = call.Function == MathFunction.Clamp ? ScalarKind.Double
            : call.Kind == ScalarKind.Float || call.Args.Any(a => a.Kind == ScalarKind.Float) ? ScalarKind.Float
            : ScalarKind.Double;
        return MathFunctions.QualifiedName(call.Function, kind);
    }

    private static string Operand(IrExpr expr, int minimumLevel)
    {
        string text = Print(expr, out int level);
        return level < minimumLevel ? "(" + text + ")" : text;
    }
}
