using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Ir;

namespace AutoDiffGen.Generator.Differentiation;

/// <summary>
/// Rewrites a body into structured code without jumps, which is what the reverse sweep can mirror:
/// <list type="bullet">
/// <item><c>return e</c> becomes an assignment to the result variable; an <c>if</c> whose branch always leaves takes the
/// statements after it into its other branch, so the common early-return shapes need no flag.</item>
/// <item>Other <c>return</c>, <c>break</c> and <c>continue</c> set a flag; the statements after them are guarded by it
/// and the loop condition tests it.</item>
/// <item>Counting loops (<c>for (int i = a; i &lt; b; i++)</c> with <c>i</c>, <c>a</c> and <c>b</c> untouched by the body)
/// become <see cref="ForRange"/>, whose reverse runs the index backwards instead of taping it.</item>
/// </list>
/// </summary>
internal sealed class ControlFlowLowering
{
    private readonly NameScope _names;
    private readonly List<LocalInfo> _newLocals = new();
    private readonly string _resultName;
    private readonly ScalarKind _resultKind;
    private string? _returnedFlag;

    private ControlFlowLowering(NameScope names, string resultName, ScalarKind resultKind)
    {
        _names = names;
        _resultName = resultName;
        _resultKind = resultKind;
    }

    /// <summary>Lowers <paramref name="body"/>; the result is stored in <paramref name="resultName"/>.</summary>
    public static (List<IrStmt> Body, List<LocalInfo> NewLocals) Lower(IReadOnlyList<IrStmt> body, NameScope names, string resultName, ScalarKind resultKind)
    {
        var lowering = new ControlFlowLowering(names, resultName, resultKind);
        List<IrStmt> lowered = lowering.LowerList(body, 0, null);
        var assignmentCounts = new Dictionary<string, int>();
        foreach (Assign assign in IrWalk.All(lowered).OfType<Assign>())
        {
            assignmentCounts[assign.Target] = assignmentCounts.TryGetValue(assign.Target, out int count) ? count + 1 : 1;
        }
        lowered = Canonicalize(lowered, assignmentCounts);
        // Flags that nothing reads (a return in tail position, say) are dropped with their assignments.
        var read = new HashSet<string>();
        foreach (IrStmt statement in IrWalk.All(lowered))
        {
            foreach (IrExpr expr in IrWalk.Expressions(statement))
            {
                IrWalk.CollectReads(expr, read);
            }
        }
        var unusedFlags = new HashSet<string>(lowering._newLocals.Where(l => l.Type.Element == ScalarKind.Bool && !read.Contains(l.Name)).Select(l => l.Name));
        lowered = RemoveAssignments(lowered, unusedFlags);
        List<LocalInfo> locals = lowering._newLocals.Where(l => !unusedFlags.Contains(l.Name)).ToList();
        return (lowered, locals);
    }

    private sealed class LoopFlags
    {
        public string? Break;
        public string? Continue;
    }

    private List<IrStmt> LowerList(IReadOnlyList<IrStmt> statements, int start, LoopFlags? loop)
    {
        var output = new List<IrStmt>();
        for (int k = start; k < statements.Count; k++)
        {
            IrStmt statement = statements[k];
            switch (statement)
            {
                case Return r:
                    output.Add(new Assign(_resultName, null, r.Value, Declares: true)); // one return runs per call
                    output.Add(new Assign(ReturnedFlag(), null, True));
                    return output; // what follows is unreachable
                case Break:
                    output.Add(new Assign(loop!.Break ??= NewFlag("breaking"), null, True));
                    return output;
                case Continue:
                    output.Add(new Assign(loop!.Continue ??= NewFlag("continuing"), null, True));
                    return output;
                case If branch when AlwaysExits(branch.Then) || AlwaysExits(branch.Else):
                {
                    // if (c) { ...; return a; } rest  ==>  if (c) { ...; return a; } else { rest }
                    List<IrStmt> rest = statements.Skip(k + 1).ToList();
                    bool thenExits = AlwaysExits(branch.Then);
                    var restructured = new If(
                        branch.Condition,
                        thenExits ? branch.Then : branch.Then.Concat(rest).ToEquatableArray(),
                        thenExits ? branch.Else.Concat(rest).ToEquatableArray() : branch.Else);
                    output.Add(LowerIf(restructured, loop));
                    return output;
                }
                case If branch:
                {
                    output.Add(LowerIf(branch, loop));
                    if (k + 1 < statements.Count && MayExit(branch, loop is not null))
                    {
                        output.Add(new If(Not(ExitFlags(loop)), LowerList(statements, k + 1, loop).ToEquatableArray(), EquatableArray<IrStmt>.Empty));
                        return output;
                    }
                    break;
                }
                case Loop inner:
                {
                    var flags = new LoopFlags();
                    List<IrStmt> body = LowerList(inner.Body, 0, flags);
                    if (flags.Continue is not null)
                    {
                        body.Insert(0, new Assign(flags.Continue, null, False));
                    }
                    IrExpr condition = inner.Condition;
                    if (_returnedFlag is not null && ContainsReturn(inner.Body))
                    {
                        condition = And(Not(new VarRef(_returnedFlag, ScalarKind.Bool)), condition);
                    }
                    if (flags.Break is not null)
                    {
                        output.Add(new Assign(flags.Break, null, False));
                        condition = And(Not(new VarRef(flags.Break, ScalarKind.Bool)), condition);
                    }
                    output.Add(new Loop(condition, body.ToEquatableArray(), LowerList(inner.Step, 0, null).ToEquatableArray(), inner.TestFirst));
                    if (k + 1 < statements.Count && ContainsReturn(inner.Body))
                    {
                        output.Add(new If(Not(new VarRef(_returnedFlag!, ScalarKind.Bool)), LowerList(statements, k + 1, loop).ToEquatableArray(), EquatableArray<IrStmt>.Empty));
                        return output;
                    }
                    break;
                }
                default:
                    output.Add(statement);
                    break;
            }
        }
        return output;
    }

    private If LowerIf(If branch, LoopFlags? loop) =>
        new(branch.Condition, LowerList(branch.Then, 0, loop).ToEquatableArray(), LowerList(branch.Else, 0, loop).ToEquatableArray());

    private IrExpr ExitFlags(LoopFlags? loop)
    {
        var flags = new List<string>();
        if (_returnedFlag is not null)
        {
            flags.Add(_returnedFlag);
        }
        if (loop?.Break is not null)
        {
            flags.Add(loop.Break);
        }
        if (loop?.Continue is not null)
        {
            flags.Add(loop.Continue);
        }
        IrExpr result = new VarRef(flags[0], ScalarKind.Bool);
        foreach (string flag in flags.Skip(1))
        {
            result = new Binary(BinaryOp.Or, result, new VarRef(flag, ScalarKind.Bool), ScalarKind.Bool);
        }
        return result;
    }

    private string ReturnedFlag() => _returnedFlag ??= NewFlag("returned");

    private string NewFlag(string baseName)
    {
        string name = _names.Fresh(baseName);
        _newLocals.Add(new LocalInfo(name, TypeRef.Scalar(ScalarKind.Bool)));
        return name;
    }

    private static bool AlwaysExits(IEnumerable<IrStmt> block) => block.Any(AlwaysExits);

    private static bool AlwaysExits(IrStmt statement) => statement switch
    {
        Return or Break or Continue => true,
        If i => AlwaysExits(i.Then) && AlwaysExits(i.Else),
        _ => false,
    };

    /// <summary>Whether a statement can leave the enclosing block early (a return anywhere, or a break or continue of the enclosing loop).</summary>
    private static bool MayExit(IrStmt statement, bool inLoop) => statement switch
    {
        Return => true,
        Break or Continue => inLoop,
        If i => i.Then.Any(s => MayExit(s, inLoop)) || i.Else.Any(s => MayExit(s, inLoop)),
        Loop l => ContainsReturn(l.Body),
        _ => false,
    };

    private static bool ContainsReturn(IEnumerable<IrStmt> statements) => IrWalk.All(statements).Any(s => s is Return);

    private static readonly IrExpr True = new Literal(1, ScalarKind.Bool);
    private static readonly IrExpr False = new Literal(0, ScalarKind.Bool);

    private static IrExpr Not(IrExpr e) => new Unary(UnaryOp.Not, e, ScalarKind.Bool);

    private static IrExpr And(IrExpr a, IrExpr b) =>
        b is Literal { Value: 1 } ? a : new Binary(BinaryOp.And, a, b, ScalarKind.Bool);

    private static List<IrStmt> RemoveAssignments(IEnumerable<IrStmt> statements, HashSet<string> names)
    {
        var output = new List<IrStmt>();
        foreach (IrStmt statement in statements)
        {
            switch (statement)
            {
                case Assign a when names.Contains(a.Target):
                    break;
                default:
                    output.Add(IrWalk.MapBlocks(statement, block => RemoveAssignments(block, names)));
                    break;
            }
        }
        return output;
    }

    /// <summary>Turns <c>i = a; while (i &lt; b) { body; i = i + 1; }</c> into <see cref="ForRange"/> where that is exact.</summary>
    private static List<IrStmt> Canonicalize(IReadOnlyList<IrStmt> statements, Dictionary<string, int> assignmentCounts)
    {
        var output = new List<IrStmt>();
        for (int k = 0; k < statements.Count; k++)
        {
            IrStmt statement = statements[k];
            if (statement is Loop loop && k > 0 && output.Count > 0 && output[output.Count - 1] is Assign { Index: null } init &&
                TryMakeRange(init, loop, assignmentCounts, out ForRange? range))
            {
                output[output.Count - 1] = range!;
                continue;
            }
            output.Add(IrWalk.MapBlocks(statement, block => Canonicalize(block, assignmentCounts)));
        }
        return output;
    }

    private static bool TryMakeRange(Assign init, Loop loop, Dictionary<string, int> assignmentCounts, out ForRange? range)
    {
        range = null;
        string index = init.Target;
        // The index must be assigned nowhere but here, so that no other statement needs its old values back.
        if (assignmentCounts[index] != 2 || !loop.TestFirst || init.Value.Kind != ScalarKind.Int32 || loop.Step.Count != 1 ||
            loop.Step[0] is not Assign { Index: null } step || step.Target != index ||
            loop.Condition is not Binary { Left: VarRef { Name: var conditionVar }, Right: var bound } condition || conditionVar != index)
        {
            return false;
        }
        bool ascending;
        if (step.Value is Binary { Op: BinaryOp.Add, Left: VarRef { Name: var a }, Right: Literal { Value: 1 } } && a == index &&
            condition.Op is BinaryOp.Less or BinaryOp.LessOrEqual)
        {
            ascending = true;
        }
        else if (step.Value is Binary { Op: BinaryOp.Subtract, Left: VarRef { Name: var s }, Right: Literal { Value: 1 } } && s == index &&
            condition.Op is BinaryOp.Greater or BinaryOp.GreaterOrEqual)
        {
            ascending = false;
        }
        else
        {
            return false;
        }
        HashSet<string> assignedInLoop = IrWalk.AssignedNames(loop.Body);
        var boundReads = new HashSet<string>(IrWalk.ReadNames(bound));
        IrWalk.CollectReads(init.Value, boundReads);
        if (assignedInLoop.Contains(index) || boundReads.Overlaps(assignedInLoop) || boundReads.Contains(index) || bound.Kind != ScalarKind.Int32)
        {
            return false;
        }
        IrExpr one = new Literal(1, ScalarKind.Int32);
        IrExpr to = condition.Op switch
        {
            BinaryOp.LessOrEqual => Ir.Ir.Add(bound, one),
            BinaryOp.Greater => Ir.Ir.Add(bound, one),
            _ => bound,
        };
        List<IrStmt> body = Canonicalize(loop.Body, assignmentCounts);
        range = new ForRange(index, init.Value, to, !ascending, body.ToEquatableArray());
        return true;
    }
}
