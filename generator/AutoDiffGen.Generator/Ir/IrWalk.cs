using System.Collections.Generic;

namespace AutoDiffGen.Generator.Ir;

/// <summary>Queries over IR trees shared by the analyses.</summary>
internal static class IrWalk
{
    /// <summary>The names an expression reads: variables, and arrays whose elements or length it reads.</summary>
    public static IEnumerable<string> ReadNames(IrExpr expr)
    {
        var names = new List<string>();
        CollectReads(expr, names);
        return names;
    }

    public static void CollectReads(IrExpr expr, ICollection<string> names)
    {
        switch (expr)
        {
            case VarRef v:
                names.Add(v.Name);
                break;
            case ElementRef e:
                names.Add(e.Array);
                CollectReads(e.Index, names);
                break;
            case LengthOf l:
                names.Add(l.Array);
                break;
            case Unary u:
                CollectReads(u.Operand, names);
                break;
            case Binary b:
                CollectReads(b.Left, names);
                CollectReads(b.Right, names);
                break;
            case Conditional c:
                CollectReads(c.Condition, names);
                CollectReads(c.WhenTrue, names);
                CollectReads(c.WhenFalse, names);
                break;
            case Cast c:
                CollectReads(c.Operand, names);
                break;
            case MathCall m:
                foreach (IrExpr arg in m.Args)
                {
                    CollectReads(arg, names);
                }
                break;
            case DiffCall d:
                foreach (IrExpr arg in d.Args)
                {
                    CollectReads(arg, names);
                }
                break;
            case NewArray n:
                CollectReads(n.Length, names);
                break;
        }
    }

    /// <summary>Every statement, nested ones included, in program order.</summary>
    public static IEnumerable<IrStmt> All(IEnumerable<IrStmt> statements)
    {
        foreach (IrStmt statement in statements)
        {
            yield return statement;
            IEnumerable<IrStmt>? children = statement switch
            {
                If i => Concat(i.Then, i.Else),
                Loop l => Concat(l.Body, l.Step),
                ForRange f => f.Body,
                _ => null,
            };
            if (children is not null)
            {
                foreach (IrStmt child in All(children))
                {
                    yield return child;
                }
            }
        }
    }

    /// <summary>The expressions a statement evaluates directly (not those of nested statements).</summary>
    public static IEnumerable<IrExpr> Expressions(IrStmt statement)
    {
        switch (statement)
        {
            case Assign a:
                if (a.Index is not null)
                {
                    yield return a.Index;
                }
                yield return a.Value;
                break;
            case If i:
                yield return i.Condition;
                break;
            case Loop l:
                yield return l.Condition;
                break;
            case ForRange f:
                yield return f.From;
                yield return f.To;
                break;
            case Return r:
                yield return r.Value;
                break;
        }
    }

    /// <summary>The names a statement list assigns, nested statements included.</summary>
    public static HashSet<string> AssignedNames(IEnumerable<IrStmt> statements)
    {
        var names = new HashSet<string>();
        foreach (IrStmt statement in All(statements))
        {
            switch (statement)
            {
                case Assign a:
                    names.Add(a.Target);
                    break;
                case ForRange f:
                    names.Add(f.Index);
                    break;
            }
        }
        return names;
    }

    private static IEnumerable<IrStmt> Concat(EquatableArray<IrStmt> first, EquatableArray<IrStmt> second)
    {
        foreach (IrStmt s in first)
        {
            yield return s;
        }
        foreach (IrStmt s in second)
        {
            yield return s;
        }
    }
}
