using System;
using System.Collections.Generic;

namespace AutoDiffGen.Generator.Ir;

/// <summary>Queries over IR trees shared by the analyses.</summary>
internal static class IrWalk
{
    /// <summary>
    /// The names an expression reads: variables, and arrays whose elements or length it reads. A tensor's shape is not
    /// a read: tensor variables are assigned once, so their shapes never change.
    /// </summary>
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
                break;
            case LengthOf l:
                names.Add(l.Array);
                break;
        }
        foreach (IrExpr child in Children(expr))
        {
            CollectReads(child, names);
        }
    }

    /// <summary>The direct subexpressions of <paramref name="expr"/>.</summary>
    public static IEnumerable<IrExpr> Children(IrExpr expr) => expr switch
    {
        ElementRef e => [e.Index],
        Unary u => [u.Operand],
        Binary b => [b.Left, b.Right],
        Conditional c => [c.Condition, c.WhenTrue, c.WhenFalse],
        Cast c => [c.Operand],
        MathCall m => m.Args,
        DiffCall d => d.Args,
        ForwardCall f => f.Args,
        ConstantCall c => c.Args,
        NewArray n => [n.Length],
        NewTensor n => n.Dimensions,
        _ => [],
    };

    /// <summary>The statement lists nested in <paramref name="statement"/>, each with whether it runs as a loop body.</summary>
    public static IEnumerable<(EquatableArray<IrStmt> Block, bool IsLoopBody)> Blocks(IrStmt statement) => statement switch
    {
        If i => [(i.Then, false), (i.Else, false)],
        Loop l => [(l.Body, true), (l.Step, true)],
        ForRange f => [(f.Body, true)],
        _ => [],
    };

    /// <summary><paramref name="statement"/> with each nested statement list replaced by <paramref name="map"/> of it.</summary>
    public static IrStmt MapBlocks(IrStmt statement, Func<EquatableArray<IrStmt>, IEnumerable<IrStmt>> map) => statement switch
    {
        If i => new If(i.Condition, map(i.Then).ToEquatableArray(), map(i.Else).ToEquatableArray()),
        Loop l => l with { Body = map(l.Body).ToEquatableArray(), Step = map(l.Step).ToEquatableArray() },
        ForRange f => f with { Body = map(f.Body).ToEquatableArray() },
        _ => statement,
    };

    /// <summary>Every statement, nested ones included, in program order.</summary>
    public static IEnumerable<IrStmt> All(IEnumerable<IrStmt> statements)
    {
        foreach (IrStmt statement in statements)
        {
            yield return statement;
            foreach ((EquatableArray<IrStmt> block, _) in Blocks(statement))
            {
                foreach (IrStmt child in All(block))
                {
                    yield return child;
                }
            }
        }
    }

    /// <summary>The expressions a statement evaluates directly (not those of nested statements).</summary>
    public static IEnumerable<IrExpr> Expressions(IrStmt statement) => statement switch
    {
        Assign { Index: { } index } a => [index, a.Value],
        Assign a => [a.Value],
        If i => [i.Condition],
        Loop l => [l.Condition],
        ForRange f => [f.From, f.To],
        Return r => [r.Value],
        _ => [],
    };

    /// <summary>
    /// The expressions a statement of either generated sweep reads (nested statements not included): besides
    /// <see cref="Expressions"/>, those of accumulations, temporaries and tape pushes.
    /// </summary>
    public static IEnumerable<IrExpr> SweepExpressions(IrStmt statement) => statement switch
    {
        Accumulate { Index: { } index } a => [index, a.Value],
        Accumulate a => [a.Value],
        Define d => [d.Value],
        TapePush p => [p.Value],
        _ => Expressions(statement),
    };

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
}
