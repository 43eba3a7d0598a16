using System.Collections.Generic;
using System.Linq;
using System.Threading;
using AutoDiffGen.Generator.Emission;
using AutoDiffGen.Generator.Ir;
using static AutoDiffGen.Generator.Ir.Ir;

namespace AutoDiffGen.Generator.Differentiation;

/// <summary>
/// Source-to-source reverse mode. The forward sweep runs the primal body and stores on tapes what it is about to
/// overwrite and the reverse sweep will need again (overwritten values, branch decisions, loop trip counts). The
/// reverse sweep visits the statements backwards; before it handles an assignment it restores the overwritten value,
/// so every variable reads as it did just before that statement ran, and the statement's local derivative can be
/// evaluated from plain variables. Values that are never overwritten (straight-line code, counting-loop indices)
/// cost no tape.
/// </summary>
internal sealed class ReverseMode
{
    private readonly MethodIr _method;
    private readonly NameScope _names;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<string, TypeRef> _types = new();
    private readonly Dictionary<string, string> _adjointNames = new();
    private readonly Dictionary<string, int> _assignmentCounts = new();
    private readonly HashSet<Assign> _assignedInLoop = new(ReferenceComparer<Assign>.Instance);
    private readonly HashSet<string> _parameters = new();
    private readonly HashSet<string> _needed = new();
    private readonly HashSet<Assign> _recomputed = new(ReferenceComparer<Assign>.Instance);
    private readonly Stack<List<IrStmt>> _deferredClears = new();
    private readonly Dictionary<IrStmt, List<string>> _checkpoints = new(ReferenceComparer<IrStmt>.Instance);
    private readonly HashSet<Assign> _checkpointed = new(ReferenceComparer<Assign>.Instance);
    private readonly Dictionary<string, TapeInfo> _tapes = new();
    private readonly List<LocalInfo> _generatedLocals = new();
    private Activity _activity = null!;
    // A tensor result computed by one primitive call and read by nothing else takes Pullback's seed as its adjoint, uncopied.
    private bool _resultAdjointIsSeed;
    private string _resultName = string.Empty;
    private Dictionary<IrExpr, IrExpr> _values = new();

    private ReverseMode(MethodIr method, CancellationToken cancellationToken)
    {
        _method = method;
        _cancellationToken = cancellationToken;
        _names = new NameScope(method.Parameters.Select(p => p.Name).Concat(method.Locals.Select(l => l.Name)).Concat([method.Name]));
    }

    /// <summary>Whether the result of <paramref name="method"/> depends on a differentiable parameter at all.</summary>
    public static bool ResultDependsOnInputs(MethodIr method)
    {
        var builder = new ReverseMode(method, CancellationToken.None);
        builder.Analyze(out string result);
        return builder._activity.IsActive(result);
    }

    /// <summary>The <see cref="ConstantCall.Site"/>s whose arguments depend on a differentiable parameter: their derivative is unknown.</summary>
    public static IReadOnlyList<int> VariedConstantCalls(MethodIr method)
    {
        var builder = new ReverseMode(method, CancellationToken.None);
        List<IrStmt> body = builder.Analyze(out _);
        var sites = new SortedSet<int>();
        foreach (IrStmt statement in IrWalk.All(body))
        {
            foreach (IrExpr expr in IrWalk.Expressions(statement))
            {
                builder.CollectVariedCalls(expr, sites);
            }
        }
        return sites.ToList();
    }

    private void CollectVariedCalls(IrExpr expr, ISet<int> sites)
    {
        if (expr is ConstantCall call && call.Args.Any(arg => IrWalk.ReadNames(arg).Any(_activity.IsVaried)))
        {
            sites.Add(call.Site);
        }
        foreach (IrExpr child in IrWalk.Children(expr))
        {
            CollectVariedCalls(child, sites);
        }
    }

    public static AdjointMethod Differentiate(MethodIr method, CancellationToken cancellationToken)
    {
        var builder = new ReverseMode(method, cancellationToken);
        return builder.Build();
    }

    private List<IrStmt> Analyze(out string resultName)
    {
        IReadOnlyList<IrStmt> primalBody = _method.Body;
        if (_method.ReturnsTensor)
        {
            // The parser guarantees one return, the last statement, of a tensor local: that local is the result.
            resultName = ((VarRef)((Return)primalBody[primalBody.Count - 1]).Value).Name;
            primalBody = primalBody.Take(primalBody.Count - 1).ToList();
        }
        else
        {
            resultName = _names.Fresh("result");
        }
        (List<IrStmt> lowered, List<LocalInfo> flags) = ControlFlowLowering.Lower(primalBody, _names, resultName, _method.ReturnKind);
        List<IrStmt> body = CallHoisting.Hoist(lowered, _names, flags);
        foreach (ParameterIr parameter in _method.Parameters)
        {
            _types[parameter.Name] = parameter.Type;
            _parameters.Add(parameter.Name);
        }
        foreach (LocalInfo local in _method.Locals.Concat(flags))
        {
            _types[local.Name] = local.Type;
        }
        _generatedLocals.AddRange(flags);
        if (!_method.ReturnsTensor)
        {
            _types[resultName] = TypeRef.Scalar(_method.ReturnKind);
            _generatedLocals.Add(new LocalInfo(resultName, _types[resultName]));
        }
        else
        {
            string result = resultName;
            // A callee's Backward consumes its seed, so only a primitive's pullback may see the caller's own tensor.
            _resultAdjointIsSeed = body.Count(s => s is Assign a && a.Target == result) == 1 &&
                body.OfType<Assign>().Single(a => a.Target == result).Value is DiffCall { Callee.HasState: false } &&
                !IrWalk.All(body).Any(s => IrWalk.Expressions(s).Any(e => IrWalk.ReadNames(e).Contains(result)));
        }

        _activity = Activity.Analyze(body, _method.Parameters.Where(p => p.IsDifferentiable).Select(p => p.Name), resultName, _types);
        CountAssignments(body, inLoop: false);
        FindNeeded(body);
        FindCheckpoints(body);
        return body;
    }

    private AdjointMethod Build()
    {
        List<IrStmt> body = Analyze(out string resultName);

        // Public names first, so that the signature does not depend on the body.
        var adjoints = new List<AdjointParameter>();
        foreach (ParameterIr parameter in _method.Parameters.Where(p => p.IsDifferentiable))
        {
            string adjoint = _names.Fresh(NameScope.AdjointBase(parameter.Name));
            _adjointNames[parameter.Name] = adjoint;
            adjoints.Add(new AdjointParameter(parameter.Name, adjoint, parameter.Type, parameter.Type.IsScalar ? _names.Fresh(adjoint + "Out") : adjoint));
        }
        string seed = _names.Fresh("seed");
        var adjointLocals = new List<LocalInfo>();
        foreach (LocalInfo local in _method.Locals.Concat(_generatedLocals).Where(l => _activity.IsActive(l.Name)))
        {
            string adjoint = _names.Fresh(NameScope.AdjointBase(local.Name));
            _adjointNames[local.Name] = adjoint;
            adjointLocals.Add(new LocalInfo(adjoint, local.Type));
        }

        _resultName = resultName;
        (List<IrStmt> forward, List<IrStmt> reverse) = Transform(body, inLoop: false);
        var pullbackSeeding = new List<IrStmt>();
        var backwardSeeding = new List<IrStmt>();
        if (_activity.IsActive(resultName) && _method.ReturnsTensor)
        {
            // Backward consumes its seed: the result's adjoint is the seed itself. Pullback leaves its seed as it was, so
            // where the reverse sweep writes the result's adjoint, that adjoint is a copy.
            string resultAdjoint = _adjointNames[resultName];
            var seedTensor = new VarRef(seed, ScalarKind.Float, ValueShape.Tensor);
            backwardSeeding.Add(new Assign(resultAdjoint, null, seedTensor));
            if (_resultAdjointIsSeed)
            {
                pullbackSeeding.Add(new Assign(resultAdjoint, null, seedTensor));
            }
            else
            {
                string index = NewLocal("element", ScalarKind.Int32);
                var indexRef = new VarRef(index, ScalarKind.Int32);
                pullbackSeeding.Add(new Assign(resultAdjoint, null, new NewTensor(EquatableArray<IrExpr>.Empty, resultName)));
                pullbackSeeding.Add(new ForRange(index, Const(0, ScalarKind.Int32), new DimensionOf(seed, TensorDimension.Length), Descending: false,
                    EquatableArray.Of<IrStmt>(new Assign(resultAdjoint, indexRef, new ElementRef(seed, indexRef, ScalarKind.Float)))));
            }
        }
        else if (_activity.IsActive(resultName))
        {
            reverse.Insert(0, new Assign(_adjointNames[resultName], null, new VarRef(seed, _method.ReturnKind)));
        }

        return new AdjointMethod(
            _method,
            _names.Fresh(_method.Name + "ValueAndPullback"),
            seed,
            resultName,
            adjoints.ToEquatableArray(),
            _method.Locals.Concat(_generatedLocals).ToEquatableArray(),
            adjointLocals.ToEquatableArray(),
            _tapes.Values.OrderBy(t => t.Name, System.StringComparer.Ordinal).ToEquatableArray(),
            forward.ToEquatableArray(),
            reverse.ToEquatableArray(),
            pullbackSeeding.ToEquatableArray(),
            backwardSeeding.ToEquatableArray());
    }

    // ---- analyses ----

    private void CountAssignments(IEnumerable<IrStmt> statements, bool inLoop)
    {
        foreach (IrStmt statement in statements)
        {
            switch (statement)
            {
                case Assign a:
                    _assignmentCounts[a.Target] = _assignmentCounts.TryGetValue(a.Target, out int n) ? n + 1 : 1;
                    if (inLoop)
                    {
                        _assignedInLoop.Add(a);
                    }
                    break;
            }
            foreach ((EquatableArray<IrStmt> block, bool isLoopBody) in IrWalk.Blocks(statement))
            {
                CountAssignments(block, inLoop || isLoopBody);
            }
        }
    }

    /// <summary>Finds the variables whose values the reverse sweep reads; only those are restored when overwritten.</summary>
    private void FindNeeded(List<IrStmt> body)
    {
        foreach (IrStmt statement in IrWalk.All(body))
        {
            switch (statement)
            {
                case Assign a when IsActiveTarget(a):
                    CollectValueNeeds(a.Value, _needed);
                    if (RootUsesResult(a.Value) && !IrWalk.ReadNames(a.Value).Contains(a.Target))
                    {
                        _needed.Add(a.Target);
                    }
                    if (a.Index is not null)
                    {
                        IrWalk.CollectReads(a.Index, _needed);
                    }
                    break;
                case ForRange f:
                    IrWalk.CollectReads(f.From, _needed);
                    IrWalk.CollectReads(f.To, _needed);
                    break;
            }
        }
        FindRecomputable(body);
        // Restoring an element needs its index; recomputing a local needs what it reads.
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (Assign a in IrWalk.All(body).OfType<Assign>())
            {
                if (a.Index is not null && _needed.Contains(a.Target))
                {
                    foreach (string name in IrWalk.ReadNames(a.Index))
                    {
                        changed |= _needed.Add(name);
                    }
                }
                if (IsInvertibleStep(a, out IrExpr? step) && _needed.Contains(a.Target))
                {
                    foreach (string name in IrWalk.ReadNames(step!))
                    {
                        changed |= _needed.Add(name); // the reverse sweep undoes k += e with k -= e
                    }
                }
                if (_recomputed.Contains(a) && _needed.Contains(a.Target))
                {
                    foreach (string name in IrWalk.ReadNames(a.Value))
                    {
                        changed |= _needed.Add(name);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Adds the names whose values the local derivatives of <paramref name="expr"/> read: the other factor of a
    /// product, the argument of a function, a condition; not the terms of a sum, and nothing in inactive parts.
    /// </summary>
    private void CollectValueNeeds(IrExpr expr, ISet<string> needed)
    {
        if (!_activity.IsActive(expr))
        {
            return;
        }
        switch (expr)
        {
            case ElementRef e:
                IrWalk.CollectReads(e.Index, needed); // the adjoint is indexed too
                break;
            case Unary u:
                CollectValueNeeds(u.Operand, needed);
                break;
            case Cast c:
                CollectValueNeeds(c.Operand, needed);
                break;
            case Binary { Op: BinaryOp.Add or BinaryOp.Subtract } b:
                CollectValueNeeds(b.Left, needed);
                CollectValueNeeds(b.Right, needed);
                break;
            case Binary b:
                // a·b: each factor's derivative is the other factor. a/b: ∂/∂a = 1/b, ∂/∂b = −(a/b)/b. a % b: ∂/∂b reads both.
                bool leftActive = _activity.IsActive(b.Left);
                bool rightActive = _activity.IsActive(b.Right);
                if (rightActive)
                {
                    IrWalk.CollectReads(b.Left, needed);
                }
                if (b.Op == BinaryOp.Divide || (b.Op == BinaryOp.Multiply ? leftActive : rightActive))
                {
                    IrWalk.CollectReads(b.Right, needed);
                }
                CollectValueNeeds(b.Left, needed);
                CollectValueNeeds(b.Right, needed);
                break;
            case Conditional c:
                IrWalk.CollectReads(c.Condition, needed);
                CollectValueNeeds(c.WhenTrue, needed);
                CollectValueNeeds(c.WhenFalse, needed);
                break;
            case MathCall or DiffCall:
                IrWalk.CollectReads(expr, needed);
                break;
        }
    }

    /// <summary>
    /// Marks the locals of counting-loop bodies that the reverse sweep can recompute instead of taping: defined once,
    /// at the top level of the body, by a cheap expression of the index, of values the loop never changes and of
    /// other such locals. Recomputing an add or a multiply is cheaper than a tape round trip.
    /// </summary>
    private void FindRecomputable(IEnumerable<IrStmt> statements)
    {
        foreach (IrStmt statement in IrWalk.All(statements))
        {
            if (statement is not ForRange range)
            {
                continue;
            }
            HashSet<string> changedInLoop = IrWalk.AssignedNames(range.Body);
            var available = new HashSet<string> { range.Index };
            foreach (IrStmt bodyStatement in range.Body)
            {
                if (bodyStatement is Assign { Index: null } a && a.Value is not NewArray && _assignmentCounts[a.Target] == 1 &&
                    _types[a.Target].IsScalar && IsCheap(a.Value) &&
                    IrWalk.ReadNames(a.Value).All(name => available.Contains(name) || !changedInLoop.Contains(name)))
                {
                    _recomputed.Add(a);
                    available.Add(a.Target);
                }
            }
        }
    }

    private static bool IsCheap(IrExpr expr) => expr switch
    {
        Literal or VarRef or LengthOf or DimensionOf => true,
        ElementRef e => IsCheap(e.Index),
        Unary u => IsCheap(u.Operand),
        Cast c => IsCheap(c.Operand),
        Binary b => IsCheap(b.Left) && IsCheap(b.Right),
        Conditional c => IsCheap(c.Condition) && IsCheap(c.WhenTrue) && IsCheap(c.WhenFalse),
        MathCall m => m.Function is MathFunction.Abs or MathFunction.Max or MathFunction.Min or MathFunction.Clamp or
            MathFunction.FusedMultiplyAdd or MathFunction.Sign or MathFunction.Floor or MathFunction.Ceiling or
            MathFunction.Round or MathFunction.Truncate or MathFunction.Sqrt && m.Args.All(IsCheap),
        _ => false,
    };

    /// <summary>
    /// Finds loops in which a needed scalar only accumulates (<c>s += e</c>, <c>e</c> not reading <c>s</c>) and is read by
    /// nothing else: no reverse statement inside the loop reads <c>s</c>, so instead of storing it before every
    /// accumulation, it is stored once before the loop and restored once after the loop's reverse. The outermost such
    /// loop takes it.
    /// </summary>
    private void FindCheckpoints(IEnumerable<IrStmt> statements)
    {
        foreach (IrStmt statement in statements)
        {
            if (statement is Loop or ForRange)
            {
                IrStmt[] inside = IrWalk.All(IrWalk.Blocks(statement).SelectMany(b => b.Block)).ToArray();
                IEnumerable<string> candidates = inside.OfType<Assign>()
                    .Where(a => IsAccumulation(a) && !_checkpointed.Contains(a) && _needed.Contains(a.Target) &&
                        (_types[a.Target].IsScalar || (a.Index is not null && !_parameters.Contains(a.Target))))
                    .Select(a => a.Target).Distinct().OrderBy(n => n, System.StringComparer.Ordinal);
                foreach (string name in candidates.ToList())
                {
                    Assign[] writes = inside.OfType<Assign>().Where(a => a.Target == name).ToArray();
                    if (writes.All(IsAccumulation) && !IsReadIn(statement, inside, name))
                    {
                        if (!_checkpoints.TryGetValue(statement, out List<string>? names))
                        {
                            _checkpoints[statement] = names = new List<string>();
                        }
                        names.Add(name);
                        _checkpointed.UnionWith(writes);
                    }
                }
            }
            foreach ((EquatableArray<IrStmt> block, _) in IrWalk.Blocks(statement))
            {
                FindCheckpoints(block);
            }
        }
    }

    /// <summary><c>s += e</c> or, on an element, <c>a[i] += e</c>, with <c>e</c> (and <c>i</c>) not reading what is accumulated.</summary>
    private static bool IsAccumulation(Assign a) => a.Value switch
    {
        Binary { Op: BinaryOp.Add or BinaryOp.Subtract, Left: VarRef total } sum when a.Index is null =>
            total.Name == a.Target && !IrWalk.ReadNames(sum.Right).Contains(a.Target),
        Binary { Op: BinaryOp.Add or BinaryOp.Subtract, Left: ElementRef element } sum when a.Index is not null =>
            element.Array == a.Target && element.Index.Equals(a.Index) &&
            !IrWalk.ReadNames(sum.Right).Contains(a.Target) && !IrWalk.ReadNames(a.Index).Contains(a.Target),
        _ => false,
    };

    /// <summary>Whether anything in the loop reads <paramref name="name"/>, apart from its own accumulations.</summary>
    private static bool IsReadIn(IrStmt loop, IEnumerable<IrStmt> inside, string name)
    {
        IEnumerable<IrExpr> expressions = IrWalk.Expressions(loop);
        foreach (IrStmt statement in inside)
        {
            expressions = expressions.Concat(statement is Assign a && a.Target == name && IsAccumulation(a)
                ? [((Binary)a.Value).Right]
                : IrWalk.Expressions(statement));
        }
        return expressions.Any(e => IrWalk.ReadNames(e).Contains(name));
    }

    /// <summary>
    /// An update <c>dA[e] += …</c> whose index does not change in the loop would go through memory in every iteration;
    /// it is summed in a local instead (declared before the loop, added into dA[e] after it). Only where nothing in the
    /// loop reads that adjoint array, so no iteration can see the difference. Returns the statements that add the locals back.
    /// </summary>
    private List<IrStmt> KeepInvariantUpdatesInLocals(string loopIndex, List<IrStmt> body, List<IrStmt> before)
    {
        var flushes = new List<IrStmt>();
        IrStmt[] all = IrWalk.All(body).ToArray();
        if (all.Any(statement => statement is PullbackCall))
        {
            return flushes; // a pullback call receives adjoint arrays whole
        }
        var changed = new HashSet<string> { loopIndex };
        var read = new HashSet<string>();
        foreach (IrStmt statement in all)
        {
            if (statement is not Accumulate && WrittenName(statement) is { } written)
            {
                changed.Add(written);
            }
            foreach (IrExpr expr in IrWalk.SweepExpressions(statement))
            {
                IrWalk.CollectReads(expr, read);
            }
        }
        for (int k = 0; k < body.Count; k++)
        {
            if (body[k] is not Accumulate { Index: { } index } update || read.Contains(update.Target) ||
                IrWalk.ReadNames(index).Any(changed.Contains) || all.OfType<Accumulate>().Any(other => other.Target == update.Target && !ReferenceEquals(other, update)))
            {
                continue;
            }
            string sum = _names.Fresh(update.Target + "Sum");
            before.Add(new Define(sum, update.Value.Kind, Const(0, update.Value.Kind)));
            body[k] = new Accumulate(sum, null, update.Value);
            flushes.Add(update with { Value = new VarRef(sum, update.Value.Kind) });
        }
        return flushes;
    }

    /// <summary>The variable a statement of either sweep writes, if any.</summary>
    private static string? WrittenName(IrStmt statement) => statement switch
    {
        Assign a => a.Target,
        Accumulate a => a.Target,
        Define d => d.Name,
        _ => null,
    };

    /// <summary>Stores the loop's checkpointed accumulators before it (forward) and restores them after its reverse.</summary>
    private void Checkpoint(IrStmt loop, bool inLoop, List<IrStmt> forward, List<IrStmt> reverseAfter)
    {
        if (!_checkpoints.TryGetValue(loop, out List<string>? names))
        {
            return;
        }
        foreach (string name in names)
        {
            TypeRef type = _types[name];
            if (type.IsSequence)
            {
                // Every element, once per loop run: far fewer than one per accumulation in the loop.
                string index = NewLocal("element", ScalarKind.Int32);
                string tape = Tape(TypeRef.Scalar(type.Element));
                forward.Add(new ForRange(index, Const(0, ScalarKind.Int32), new LengthOf(name), Descending: false,
                    EquatableArray.Of<IrStmt>(new TapePush(tape, new ElementRef(name, new VarRef(index, ScalarKind.Int32), type.Element)))));
                reverseAfter.Insert(0, new ForRange(index, Sub(new LengthOf(name), Const(1, ScalarKind.Int32)), Const(0, ScalarKind.Int32), Descending: true,
                    EquatableArray.Of<IrStmt>(new Assign(name, new VarRef(index, ScalarKind.Int32), new TapePop(tape, type.Element)))));
                continue;
            }
            if (inLoop)
            {
                forward.Add(new TapePush(Tape(type), new VarRef(name, type.Element)));
                reverseAfter.Insert(0, new Assign(name, null, new TapePop(Tape(type), type.Element)));
            }
            else
            {
                string before = _names.Fresh(name + "BeforeLoop");
                _generatedLocals.Add(new LocalInfo(before, type));
                forward.Add(new Assign(before, null, new VarRef(name, type.Element)));
                reverseAfter.Insert(0, new Assign(name, null, new VarRef(before, type.Element)));
            }
        }
    }

    /// <summary>Whether <paramref name="a"/> is an integer step <c>k += e</c> or <c>k -= e</c> with <c>e</c> not reading <c>k</c>.</summary>
    private bool IsInvertibleStep(Assign a, out IrExpr? step)
    {
        step = null;
        if (a.Index is null && _types.TryGetValue(a.Target, out TypeRef? type) && type.IsScalar && type.Element.IsIntegral() &&
            a.Value is Binary { Op: BinaryOp.Add or BinaryOp.Subtract, Left: VarRef counter } sum &&
            counter.Name == a.Target && !IrWalk.ReadNames(sum.Right).Contains(a.Target))
        {
            step = sum.Right;
            return true;
        }
        return false;
    }

    private bool IsActiveTarget(Assign a) => _types.TryGetValue(a.Target, out TypeRef? type) && type.IsReal && _activity.IsActive(a.Target);

    /// <summary>
    /// Whether <paramref name="a"/> may replace a value that something else reads: not so for a local's declaration
    /// outside loops, nor for a local assigned exactly once outside loops.
    /// </summary>
    private bool IsOverwrite(Assign a) =>
        _assignedInLoop.Contains(a) ||
        (!a.Declares && (_parameters.Contains(a.Target) || _assignmentCounts[a.Target] > 1));

    /// <summary>Whether the forward sweep must store the value <paramref name="a"/> overwrites.</summary>
    private bool Saves(Assign a)
    {
        if (a.Value is NewArray or NewTensor)
        {
            return (_needed.Contains(a.Target) || _activity.IsActive(a.Target)) && IsOverwrite(a);
        }
        return _needed.Contains(a.Target) && !_recomputed.Contains(a) && !_checkpointed.Contains(a) && (a.Index is not null || IsOverwrite(a));
    }

    private bool HasReverseWork(IrStmt statement) => statement switch
    {
        Assign a => IsActiveTarget(a) || Saves(a),
        If i => i.Then.Any(HasReverseWork) || i.Else.Any(HasReverseWork),
        Loop l => l.Body.Any(HasReverseWork) || l.Step.Any(HasReverseWork) || _checkpoints.ContainsKey(l),
        ForRange f => f.Body.Any(HasReverseWork) || _checkpoints.ContainsKey(f),
        _ => false,
    };

    // ---- the two sweeps ----

    private (List<IrStmt> Forward, List<IrStmt> Reverse) Transform(IReadOnlyList<IrStmt> statements, bool inLoop)
    {
        var forward = new List<IrStmt>();
        var reverseParts = new List<List<IrStmt>>();
        foreach (IrStmt statement in statements)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var reverse = new List<IrStmt>();
            TransformOne(statement, inLoop, forward, reverse);
            reverseParts.Add(reverse);
        }
        reverseParts.Reverse();
        // Updates of one array element from neighbouring statements merge into one read-modify-write of memory
        // (scalar adjoints live in registers, and one update per statement reads better).
        var merged = new List<IrStmt>();
        foreach (IrStmt statement in reverseParts.SelectMany(p => p))
        {
            if (statement is Accumulate { Index: not null } update)
            {
                AddContribution(merged, update.Target, update.Index, update.Value);
            }
            else
            {
                merged.Add(statement);
            }
        }
        // A comment whose updates merged into a later statement's would head nothing.
        merged = merged.Where((statement, k) => statement is not Comment || (k + 1 < merged.Count && merged[k + 1] is not Comment)).ToList();
        return (forward, merged);
    }

    private void TransformOne(IrStmt statement, bool inLoop, List<IrStmt> forward, List<IrStmt> reverse)
    {
        if (!HasReverseWork(statement))
        {
            forward.Add(statement);
            return;
        }
        switch (statement)
        {
            case Assign a:
                TransformAssign(a, forward, reverse);
                break;
            case If branch:
            {
                string decision = NewLocal("branch", ScalarKind.Bool);
                (List<IrStmt> thenForward, List<IrStmt> thenReverse) = Transform(branch.Then, inLoop);
                (List<IrStmt> elseForward, List<IrStmt> elseReverse) = Transform(branch.Else, inLoop);
                var decisionRef = new VarRef(decision, ScalarKind.Bool);
                forward.Add(new Assign(decision, null, branch.Condition));
                forward.Add(new If(decisionRef, thenForward.ToEquatableArray(), elseForward.ToEquatableArray()));
                if (inLoop)
                {
                    forward.Add(new TapePush(Tape(TypeRef.Scalar(ScalarKind.Bool)), decisionRef));
                    reverse.Add(new Assign(decision, null, new TapePop(Tape(TypeRef.Scalar(ScalarKind.Bool)), ScalarKind.Bool)));
                }
                reverse.Add(new If(decisionRef, thenReverse.ToEquatableArray(), elseReverse.ToEquatableArray()));
                break;
            }
            case Loop loop:
            {
                string count = NewLocal("iterations", ScalarKind.Int32);
                var countRef = new VarRef(count, ScalarKind.Int32);
                (List<IrStmt> bodyForward, List<IrStmt> bodyReverse) = Transform(loop.Body, inLoop: true);
                (List<IrStmt> stepForward, List<IrStmt> stepReverse) = Transform(loop.Step, inLoop: true);
                bodyForward.Insert(0, new Assign(count, null, Add(countRef, Const(1, ScalarKind.Int32))));
                var restores = new List<IrStmt>();
                Checkpoint(loop, inLoop, forward, restores);
                forward.Add(new Assign(count, null, Const(0, ScalarKind.Int32)));
                forward.Add(new Loop(loop.Condition, bodyForward.ToEquatableArray(), stepForward.ToEquatableArray(), loop.TestFirst));
                if (inLoop)
                {
                    forward.Add(new TapePush(Tape(TypeRef.Scalar(ScalarKind.Int32)), countRef));
                    reverse.Add(new Assign(count, null, new TapePop(Tape(TypeRef.Scalar(ScalarKind.Int32)), ScalarKind.Int32)));
                }
                reverse.Add(new Loop(
                    Compare(BinaryOp.Greater, countRef, Const(0, ScalarKind.Int32)),
                    stepReverse.Concat(bodyReverse).ToEquatableArray(),
                    EquatableArray.Of<IrStmt>(new Assign(count, null, Sub(countRef, Const(1, ScalarKind.Int32)))),
                    TestFirst: true));
                reverse.AddRange(restores);
                break;
            }
            case ForRange range when !inLoop && TryFuseAccumulation(range, forward, reverse):
                break;
            case ForRange range:
            {
                _deferredClears.Push(new List<IrStmt>());
                (List<IrStmt> bodyForward, List<IrStmt> bodyReverse) = Transform(range.Body, inLoop: true);
                List<IrStmt> clears = _deferredClears.Pop();
                bodyReverse.AddRange(clears);
                bodyReverse = FreshPerIteration(bodyReverse, new HashSet<string>(clears.OfType<Assign>().Select(c => c.Target)));
                // Locals that are cheap to recompute are recomputed at the start of each reverse iteration instead of taped.
                bodyReverse.InsertRange(0, range.Body.OfType<Assign>().Where(a => _recomputed.Contains(a) && _needed.Contains(a.Target)));
                var restores = new List<IrStmt>();
                Checkpoint(range, inLoop, forward, restores);
                forward.Add(range with { Body = bodyForward.ToEquatableArray() });
                List<IrStmt> flushes = KeepInvariantUpdatesInLocals(range.Index, bodyReverse, reverse);
                IrExpr one = Const(1, ScalarKind.Int32);
                reverse.Add(range.Descending
                    ? new ForRange(range.Index, range.To, Add(range.From, one), Descending: false, bodyReverse.ToEquatableArray())
                    : new ForRange(range.Index, Sub(range.To, one), range.From, Descending: true, bodyReverse.ToEquatableArray()));
                reverse.AddRange(flushes);
                reverse.AddRange(restores);
                break;
            }
            default:
                forward.Add(statement);
                break;
        }
    }

    /// <summary>
    /// A counting loop that only accumulates, <c>s += e(i)</c>, where <c>e</c> reads the index, locals declared in the
    /// body and scalars the loop never changes, passes one constant adjoint dS to every iteration. Its reverse is then
    /// dV += dS · Σᵢ ∂e(i)/∂v for each such scalar v, and the sums can be formed in the forward loop itself, beside the
    /// value, as a hand-written gradient would: no second pass over the data and no tape. Returns false, emitting
    /// nothing, for any other loop.
    /// </summary>
    private bool TryFuseAccumulation(ForRange range, List<IrStmt> forward, List<IrStmt> reverse)
    {
        Assign? accumulation = null;
        foreach (IrStmt statement in range.Body)
        {
            // Locals declared in the body are fresh in every iteration; their values are at hand in the forward loop.
            if (statement is Assign { Index: null, Declares: true } local && local.Value is not NewArray &&
                _assignmentCounts[local.Target] == 1 && _types[local.Target].IsScalar)
            {
                continue;
            }
            if (statement is Assign { Index: null, Value: Binary { Op: BinaryOp.Add or BinaryOp.Subtract, Left: VarRef accumulator } sum } candidate &&
                accumulator.Name == candidate.Target && accumulation is null && IsActiveTarget(candidate) &&
                !IrWalk.ReadNames(sum.Right).Contains(candidate.Target))
            {
                accumulation = candidate;
                continue;
            }
            return false;
        }
        if (accumulation is null)
        {
            return false;
        }

        // Every active value the body reads, apart from its own recomputed locals, must be a scalar the loop never changes.
        HashSet<string> assignedInBody = IrWalk.AssignedNames(range.Body);
        var inputs = new SortedSet<string>(System.StringComparer.Ordinal);
        foreach (Assign a in range.Body.OfType<Assign>())
        {
            IrExpr read = a == accumulation ? ((Binary)a.Value).Right : a.Value;
            if (IrWalk.ReadNames(read).Contains(accumulation.Target))
            {
                return false; // the running total feeds back into the sum
            }
            if (ContainsCall(read))
            {
                return false; // a pullback call would need the real adjoints
            }
            foreach (string name in Activity.ValueReads(read).Where(_activity.IsActive))
            {
                if (assignedInBody.Contains(name))
                {
                    continue;
                }
                if (!_types[name].IsScalar)
                {
                    return false;
                }
                inputs.Add(name);
            }
        }

        string total = accumulation.Target;
        ScalarKind kind = _types[total].Element;
        var sums = new Dictionary<string, string>();
        var saved = new Dictionary<string, string>();
        foreach (string input in inputs)
        {
            string partial = _names.Fresh(_adjointNames[total] + "D" + NameScope.AdjointBase(input).Substring(1));
            _generatedLocals.Add(new LocalInfo(partial, _types[input]));
            sums[input] = partial;
            saved[input] = _adjointNames[input];
            _adjointNames[input] = partial; // the body's reverse, run with seed 1, sums into the partials
        }

        var unitReverse = new List<IrStmt>();
        foreach (Assign a in range.Body.OfType<Assign>().Reverse())
        {
            _values = new Dictionary<IrExpr, IrExpr>();
            if (a == accumulation)
            {
                var sum = (Binary)a.Value;
                Propagate(sum.Right, Const(sum.Op == BinaryOp.Add ? 1 : -1, kind), unitReverse);
            }
            else if (IsActiveTarget(a))
            {
                if (RootUsesResult(a.Value))
                {
                    _values[a.Value] = new VarRef(a.Target, _types[a.Target].Element); // the local holds the result
                }
                Propagate(a.Value, new VarRef(_adjointNames[a.Target], _types[a.Target].Element), unitReverse);
                unitReverse.Add(new Assign(_adjointNames[a.Target], null, Const(0, _types[a.Target].Element)));
            }
        }
        foreach (KeyValuePair<string, string> entry in saved)
        {
            _adjointNames[entry.Key] = entry.Value;
        }
        var iterationAdjoints = new HashSet<string>(range.Body.OfType<Assign>()
            .Where(a => a != accumulation && IsActiveTarget(a)).Select(a => _adjointNames[a.Target]));
        unitReverse = FreshPerIteration(unitReverse, iterationAdjoints);

        // Forward: the loop, summing the partial derivatives beside the value.
        foreach (KeyValuePair<string, string> entry in sums)
        {
            forward.Add(new Assign(entry.Value, null, Const(0, _types[entry.Key].Element)));
        }
        string? before = null;
        if (_needed.Contains(total))
        {
            before = _names.Fresh(total + "BeforeLoop");
            _generatedLocals.Add(new LocalInfo(before, _types[total]));
            forward.Add(new Assign(before, null, new VarRef(total, kind)));
        }
        forward.Add(range with { Body = range.Body.Concat(unitReverse).ToEquatableArray() });

        // Reverse: the summed partials times the accumulator's adjoint, which is the same for every iteration.
        reverse.Add(new Comment($"for ({range.Index} ...) {SourcePrinter.Statement(accumulation)}: partials summed in the forward loop"));
        var adjointOfTotal = new VarRef(_adjointNames[total], kind);
        foreach (KeyValuePair<string, string> entry in sums)
        {
            ScalarKind inputKind = _types[entry.Key].Element;
            IrExpr seed = inputKind == kind ? adjointOfTotal : new Cast(adjointOfTotal, inputKind);
            reverse.Add(new Accumulate(_adjointNames[entry.Key], null, Mul(seed, new VarRef(entry.Value, inputKind))));
        }
        if (before is not null)
        {
            reverse.Add(new Assign(total, null, new VarRef(before, kind)));
        }
        return true;
    }

    /// <summary>
    /// Rewrites the adjoints of a loop body's own locals, which start every iteration at zero, into temporaries
    /// declared by their first update (<c>double dR1 = 2.0 * r;</c> rather than <c>dR += 2.0 * r; …; dR = 0.0;</c>):
    /// the JIT then keeps them in registers with no false dependence between iterations. Only where every update of
    /// such an adjoint is at the top level of the body.
    /// </summary>
    private List<IrStmt> FreshPerIteration(List<IrStmt> body, HashSet<string> adjoints)
    {
        // Names that anything other than a plain top-level statement touches (a branch, a loop, a pullback call's
        // arguments) keep their variable: only plain statements are rewritten.
        var nested = new HashSet<string>();
        foreach (IrStmt complex in body.Where(s => s is not (Accumulate or Assign or Define or Comment)).SelectMany(s => IrWalk.All([s])))
        {
            if (WrittenName(complex) is { } written)
            {
                nested.Add(written);
            }
            foreach (IrExpr expr in IrWalk.SweepExpressions(complex))
            {
                IrWalk.CollectReads(expr, nested);
            }
            if (complex is PullbackCall call)
            {
                IrWalk.CollectReads(call.Seed, nested);
                foreach (IrExpr arg in call.Args)
                {
                    IrWalk.CollectReads(arg, nested);
                }
                nested.UnionWith(call.Adjoints.Select(a => a.Text));
            }
        }
        var renamed = new Dictionary<string, string>();
        var output = new List<IrStmt>();
        foreach (IrStmt statement in body)
        {
            IrStmt current = RenameReads(statement, renamed);
            switch (current)
            {
                case Accumulate { Index: null } update when adjoints.Contains(update.Target) && !nested.Contains(update.Target):
                    if (renamed.TryGetValue(update.Target, out string? existing))
                    {
                        output.Add(update with { Target = existing });
                    }
                    else
                    {
                        string fresh = _names.Fresh(update.Target + "Here");
                        renamed[update.Target] = fresh;
                        output.Add(new Define(fresh, update.Value.Kind, update.Value));
                    }
                    break;
                case Assign { Index: null, Value: Literal { Value: 0 } } clear when renamed.ContainsKey(clear.Target):
                    break; // the temporary dies with the iteration
                default:
                    output.Add(current);
                    break;
            }
        }
        return output;
    }

    private static IrStmt RenameReads(IrStmt statement, Dictionary<string, string> renamed)
    {
        if (renamed.Count == 0)
        {
            return statement;
        }
        IrExpr Rename(IrExpr e) => e switch
        {
            VarRef v when renamed.TryGetValue(v.Name, out string? name) => v with { Name = name },
            Unary u => u with { Operand = Rename(u.Operand) },
            Binary b => b with { Left = Rename(b.Left), Right = Rename(b.Right) },
            Conditional c => c with { Condition = Rename(c.Condition), WhenTrue = Rename(c.WhenTrue), WhenFalse = Rename(c.WhenFalse) },
            Cast c => c with { Operand = Rename(c.Operand) },
            MathCall m => m with { Args = m.Args.Select(Rename).ToEquatableArray() },
            ElementRef el => el with { Index = Rename(el.Index) },
            _ => e,
        };
        return statement switch
        {
            Accumulate a => a with { Value = Rename(a.Value), Index = a.Index is null ? null : Rename(a.Index) },
            Define d => d with { Value = Rename(d.Value) },
            Assign a => a with { Value = Rename(a.Value), Index = a.Index is null ? null : Rename(a.Index) },
            _ => statement,
        };
    }

    private static bool ContainsCall(IrExpr expr) => expr is DiffCall || IrWalk.Children(expr).Any(ContainsCall);

    private void TransformAssign(Assign a, List<IrStmt> forward, List<IrStmt> reverse)
    {
        TypeRef type = _types[a.Target];
        bool active = IsActiveTarget(a);
        bool saves = Saves(a);

        if (a.Value is DiffCall { Callee.ReturnsTensor: true } tensorCall)
        {
            // A tensor computed by a call (tensor locals are assigned once, at the top level): its adjoint is a zero
            // tensor of its shape, and the reverse hands that to the callee's pullback. A generated callee runs its
            // forward half here and keeps what its reverse needs in a state, so the reverse recomputes nothing.
            string? state = null;
            if (active && tensorCall.Callee.HasState)
            {
                state = _names.Fresh(a.Target + "State");
                _generatedLocals.Add(new LocalInfo(state, new TypeRef(tensorCall.Callee.StateType + "?", ValueShape.Scalar, ScalarKind.Other)));
                forward.Add(a with { Value = new ForwardCall(tensorCall.Callee, tensorCall.Args, state) });
            }
            else
            {
                forward.Add(a);
            }
            if (active)
            {
                if (a.Target != _resultName) // the result's adjoint comes from the seed
                {
                    forward.Add(new Assign(_adjointNames[a.Target], null, new NewTensor(EquatableArray<IrExpr>.Empty, a.Target)));
                }
                _values = new Dictionary<IrExpr, IrExpr>();
                reverse.Add(new Comment(SourcePrinter.Statement(a)));
                PropagateCall(tensorCall, new VarRef(_adjointNames[a.Target], ScalarKind.Float, ValueShape.Tensor), reverse, state);
            }
            return;
        }
        if (a.Value is NewArray or NewTensor)
        {
            // A fresh array (and its adjoint, allocated beside it); in a loop the previous ones are kept on a tape.
            string? adjoint = active ? _adjointNames[a.Target] : null;
            if (saves)
            {
                forward.Add(new TapePush(Tape(type), new VarRef(a.Target, type.Element, type.Shape)));
                if (adjoint is not null)
                {
                    forward.Add(new TapePush(Tape(type), new VarRef(adjoint, type.Element, type.Shape)));
                    reverse.Add(new Assign(adjoint, null, new TapePop(Tape(type), type.Element)));
                }
                reverse.Add(new Assign(a.Target, null, new TapePop(Tape(type), type.Element)));
            }
            forward.Add(a);
            if (adjoint is not null && !(type.IsTensor && a.Target == _resultName)) // the result's adjoint comes from the seed
            {
                forward.Add(new Assign(adjoint, null, type.IsTensor
                    ? new NewTensor(EquatableArray<IrExpr>.Empty, a.Target)
                    : new NewArray(new LengthOf(a.Target), type.Element)));
            }
            return;
        }

        ScalarKind kind = type.Element;
        IrStmt? restore = null;
        if (saves && IsInvertibleStep(a, out _))
        {
            // An integer step k += e is undone exactly by k -= e (e reads the same values then), so it needs no tape.
            var step = (Binary)a.Value;
            restore = new Assign(a.Target, null, new Binary(step.Op == BinaryOp.Add ? BinaryOp.Subtract : BinaryOp.Add, step.Left, step.Right, kind));
        }
        else if (saves)
        {
            IrExpr old = a.Index is null ? new VarRef(a.Target, kind) : new ElementRef(a.Target, a.Index, kind);
            forward.Add(new TapePush(Tape(TypeRef.Scalar(kind)), old));
            restore = new Assign(a.Target, a.Index, new TapePop(Tape(TypeRef.Scalar(kind)), kind));
        }
        forward.Add(a);

        if (!active)
        {
            if (restore is not null)
            {
                reverse.Add(restore);
            }
            return;
        }

        _values = new Dictionary<IrExpr, IrExpr>();
        int start = reverse.Count;
        TransformActiveAssign(a, kind, restore, reverse);
        if (reverse.Count > start)
        {
            reverse.Insert(start, new Comment(SourcePrinter.Statement(a)));
        }
    }

    private void TransformActiveAssign(Assign a, ScalarKind kind, IrStmt? restore, List<IrStmt> reverse)
    {
        string adjointName = _adjointNames[a.Target];
        if (a.Index is not null)
        {
            if (IsAccumulation(a))
            {
                // a[i] += e passes dA[i] through unchanged; only e receives it.
                if (restore is not null)
                {
                    reverse.Add(restore);
                }
                var elementSum = (Binary)a.Value;
                IrExpr adjointElement = new ElementRef(adjointName, a.Index, kind);
                Propagate(elementSum.Right, elementSum.Op == BinaryOp.Add ? adjointElement : Neg(adjointElement), reverse);
                return;
            }
            // dA[i] holds the adjoint of the value stored; take it and clear the slot for the value it replaced.
            string taken = _names.Fresh(adjointName + "Element");
            reverse.Add(new Define(taken, kind, new ElementRef(adjointName, a.Index, kind)));
            reverse.Add(new Assign(adjointName, a.Index, Const(0, kind)));
            if (!IrWalk.ReadNames(a.Value).Contains(a.Target))
            {
                // The element still holds the value stored, so a rule that needs the result (eˣ) reads it there.
                if (RootUsesResult(a.Value))
                {
                    _values[a.Value] = new ElementRef(a.Target, a.Index, kind);
                }
                Propagate(a.Value, new VarRef(taken, kind), reverse);
                if (restore is not null)
                {
                    reverse.Add(restore);
                }
                return;
            }
            if (restore is not null)
            {
                reverse.Add(restore);
            }
            Propagate(a.Value, new VarRef(taken, kind), reverse);
            return;
        }

        bool readsItself = IrWalk.ReadNames(a.Value).Contains(a.Target);
        bool mustClear = IsOverwrite(a);
        if (a.Value is Binary { Op: BinaryOp.Add or BinaryOp.Subtract, Left: VarRef accumulator } sum &&
            accumulator.Name == a.Target && !IrWalk.ReadNames(sum.Right).Contains(a.Target))
        {
            // An accumulation v += e passes v's adjoint through unchanged; only e receives it.
            if (restore is not null)
            {
                reverse.Add(restore);
            }
            IrExpr adjoint = new VarRef(adjointName, kind);
            Propagate(sum.Right, sum.Op == BinaryOp.Add ? adjoint : Neg(adjoint), reverse);
        }
        else if (readsItself)
        {
            string taken = _names.Fresh(adjointName + "New");
            reverse.Add(new Define(taken, kind, new VarRef(adjointName, kind)));
            reverse.Add(new Assign(adjointName, null, Const(0, kind)));
            if (restore is not null)
            {
                reverse.Add(restore);
            }
            Propagate(a.Value, new VarRef(taken, kind), reverse);
        }
        else
        {
            // v does not occur in its new value, so the operands read the same before or after v is restored;
            // propagating first lets a rule that needs the result (eˣ, √x, a/b) read it from v itself.
            if (RootUsesResult(a.Value))
            {
                _values[a.Value] = new VarRef(a.Target, kind);
            }
            Propagate(a.Value, new VarRef(adjointName, kind), reverse);
            if (restore is not null)
            {
                reverse.Add(restore);
            }
            if (mustClear && a.Declares && _assignmentCounts[a.Target] == 1 && _deferredClears.Count > 0)
            {
                // A local declared in a counting loop's body gets contributions only from its own iteration, so its
                // adjoint can be cleared once at the end of the reverse iteration; the updates in between stay adjacent
                // and can merge.
                _deferredClears.Peek().Add(new Assign(adjointName, null, Const(0, kind)));
            }
            else if (mustClear)
            {
                reverse.Add(new Assign(adjointName, null, Const(0, kind)));
            }
        }
    }

    // ---- local derivatives ----

    /// <summary>Adds <paramref name="adjoint"/> × ∂expr/∂v into the adjoint of every active v in <paramref name="expr"/>.</summary>
    private void Propagate(IrExpr expr, IrExpr adjoint, List<IrStmt> output)
    {
        if (!_activity.IsActive(expr) || adjoint is Literal { Value: 0 })
        {
            return;
        }
        switch (expr)
        {
            case VarRef v:
                AddContribution(output, _adjointNames[v.Name], null, adjoint);
                break;
            case ElementRef e:
                AddContribution(output, _adjointNames[e.Array], e.Index, adjoint);
                break;
            case Unary { Op: UnaryOp.Negate } negate:
                Propagate(negate.Operand, Neg(adjoint), output);
                break;
            case Cast cast:
                Propagate(cast.Operand, cast.Operand.Kind == adjoint.Kind ? adjoint : new Cast(adjoint, cast.Operand.Kind), output);
                break;
            case Binary binary:
            {
                IrExpr dy = Share(adjoint, output);
                IrExpr?[] contributions = DerivativeRules.ForBinary(
                    binary.Op,
                    Placeholder(0, binary.Kind),
                    binary.Right.Equals(binary.Left) ? Placeholder(0, binary.Kind) : Placeholder(1, binary.Kind),
                    ResultPlaceholder(binary.Kind),
                    dy,
                    binary.Kind);
                PropagateOperands(binary, [binary.Left, binary.Right], contributions, output);
                break;
            }
            case MathCall call:
            {
                IrExpr dy = Share(adjoint, output);
                IrExpr[] placeholders = call.Args.Select((arg, i) => Placeholder(i, arg.Kind)).ToArray();
                IrExpr?[] contributions = DerivativeRules.ForMath(call.Function)(placeholders, ResultPlaceholder(call.Kind), dy, call.Kind);
                PropagateOperands(call, call.Args.ToArray(), contributions, output);
                break;
            }
            case Conditional conditional:
            {
                IrExpr dy = Share(adjoint, output);
                var whenTrue = new List<IrStmt>();
                var whenFalse = new List<IrStmt>();
                Dictionary<IrExpr, IrExpr> outer = _values;
                _values = new Dictionary<IrExpr, IrExpr>(outer);
                Propagate(conditional.WhenTrue, dy, whenTrue);
                _values = new Dictionary<IrExpr, IrExpr>(outer);
                Propagate(conditional.WhenFalse, dy, whenFalse);
                _values = outer;
                output.Add(new If(conditional.Condition, whenTrue.ToEquatableArray(), whenFalse.ToEquatableArray()));
                break;
            }
            case DiffCall call:
                PropagateCall(call, adjoint, output);
                break;
        }
    }

    /// <summary>
    /// Adds <paramref name="contribution"/> to the adjoint <paramref name="target"/>[<paramref name="index"/>], merged
    /// with an earlier update of the same element in this block when that update can move down to here unchanged:
    /// nothing in between reads the adjoint or changes what the earlier update reads. So an element receives one
    /// read-modify-write where the body touches it several times (dX[i] in Rosenbrock's a and b).
    /// </summary>
    private static void AddContribution(List<IrStmt> output, string target, IrExpr? index, IrExpr contribution)
    {
        var assigned = new HashSet<string>();
        var read = new HashSet<string>();
        for (int k = output.Count - 1; k >= 0; k--)
        {
            IrStmt statement = output[k];
            if (statement is Accumulate existing && existing.Target == target && Equals(existing.Index, index))
            {
                var existingReads = new HashSet<string>(IrWalk.ReadNames(existing.Value));
                if (index is not null)
                {
                    IrWalk.CollectReads(index, existingReads);
                }
                if (!read.Contains(target) && !existingReads.Overlaps(assigned))
                {
                    output.RemoveAt(k);
                    output.Add(existing with { Value = Add(existing.Value, contribution) });
                    return;
                }
                break;
            }
            if (statement is not (Comment or Define or Accumulate or Assign))
            {
                break; // control flow, tape traffic or a call: stop looking
            }
            // Another += into the same adjoint commutes with this one; it only changes what others read.
            if (statement is not Define && WrittenName(statement) is { } written)
            {
                assigned.Add(written);
            }
            foreach (IrExpr expr in IrWalk.SweepExpressions(statement))
            {
                IrWalk.CollectReads(expr, read);
            }
        }
        output.Add(new Accumulate(target, index, contribution));
    }

    /// <summary>Applies a rule's contributions to the active operands, computing only the operand values they read.</summary>
    private void PropagateOperands(IrExpr node, IReadOnlyList<IrExpr> operands, IrExpr?[] contributions, List<IrStmt> output)
    {
        var resolved = new List<(IrExpr Operand, IrExpr Contribution)>();
        for (int i = 0; i < operands.Count; i++)
        {
            IrExpr? contribution = i < contributions.Length ? contributions[i] : null;
            if (contribution is null || !_activity.IsActive(operands[i]))
            {
                continue;
            }
            resolved.Add((operands[i], Substitute(contribution, operands, node, output)));
        }
        foreach ((IrExpr operand, IrExpr contribution) in resolved)
        {
            Propagate(operand, contribution, output);
        }
    }

    private void PropagateCall(DiffCall call, IrExpr adjoint, List<IrStmt> output, string? state = null)
    {
        IrExpr seed = Share(adjoint, output);
        var args = new List<IrExpr>();
        var adjoints = new List<AdjointArg>();
        var deferred = new List<(IrExpr Argument, IrExpr Adjoint)>();
        for (int i = 0; i < call.Args.Count; i++)
        {
            IrExpr argument = call.Args[i];
            CalleeParameter parameter = call.Callee.Parameters[i];
            if (parameter.Type.IsSequence)
            {
                var sequence = (VarRef)argument;
                args.Add(sequence);
                if (parameter.IsDifferentiable && parameter.Type.IsTensor)
                {
                    // A tensor whose derivative nobody needs gets null: the callee skips that work (no Xᵀ product for the input).
                    adjoints.Add(new AdjointArg(_activity.IsActive(sequence.Name) ? _adjointNames[sequence.Name] : "null", IsRef: false));
                }
                else if (parameter.IsDifferentiable)
                {
                    adjoints.Add(_activity.IsActive(sequence.Name)
                        ? new AdjointArg(_adjointNames[sequence.Name], IsRef: false)
                        : new AdjointArg($"{KnownNames.ScratchAdjoint}<{ScalarKinds.Keyword(sequence.Kind)}>.Get({sequence.Name}.Length)", IsRef: false));
                }
                continue;
            }
            args.Add(Value(argument, output));
            if (!parameter.IsDifferentiable)
            {
                continue;
            }
            if (argument is VarRef scalar && _activity.IsActive(scalar.Name) && scalar.Kind == parameter.Type.Element)
            {
                adjoints.Add(new AdjointArg(_adjointNames[scalar.Name], IsRef: true));
                continue;
            }
            string temporary = _names.Numbered("adj");
            output.Add(new Define(temporary, parameter.Type.Element, Const(0, parameter.Type.Element)));
            adjoints.Add(new AdjointArg(temporary, IsRef: true));
            if (_activity.IsActive(argument))
            {
                deferred.Add((argument, new VarRef(temporary, parameter.Type.Element)));
            }
        }
        output.Add(new PullbackCall(call.Callee, args.ToEquatableArray(), seed, adjoints.ToEquatableArray(), state));
        foreach ((IrExpr argument, IrExpr argumentAdjoint) in deferred)
        {
            Propagate(argument, argumentAdjoint, output);
        }
    }

    private const string PlaceholderPrefix = "\u0001operand";
    private const string ResultPlaceholderName = "\u0001result";

    private static IrExpr Placeholder(int index, ScalarKind kind) => new VarRef(PlaceholderPrefix + index, kind);

    private static IrExpr ResultPlaceholder(ScalarKind kind) => new VarRef(ResultPlaceholderName, kind);

    /// <summary>Replaces operand and result placeholders in a rule's output by values computed from the restored state.</summary>
    private IrExpr Substitute(IrExpr expr, IReadOnlyList<IrExpr> operands, IrExpr node, List<IrStmt> output) => expr switch
    {
        VarRef { Name: ResultPlaceholderName } => Value(node, output),
        VarRef v when v.Name.StartsWith(PlaceholderPrefix, System.StringComparison.Ordinal) =>
            Value(operands[int.Parse(v.Name.Substring(PlaceholderPrefix.Length), System.Globalization.CultureInfo.InvariantCulture)], output),
        Unary u => u with { Operand = Substitute(u.Operand, operands, node, output) },
        Binary b => b with { Left = Substitute(b.Left, operands, node, output), Right = Substitute(b.Right, operands, node, output) },
        Conditional c => c with
        {
            Condition = Substitute(c.Condition, operands, node, output),
            WhenTrue = Substitute(c.WhenTrue, operands, node, output),
            WhenFalse = Substitute(c.WhenFalse, operands, node, output),
        },
        Cast c => c with { Operand = Substitute(c.Operand, operands, node, output) },
        MathCall m => m with { Args = m.Args.Select(a => Substitute(a, operands, node, output)).ToEquatableArray() },
        _ => expr,
    };

    /// <summary>
    /// An expression for <paramref name="expr"/>'s value that is cheap to repeat: leaves as they are, anything else
    /// computed once into a temporary <c>tN</c> (the same subexpression shares one temporary).
    /// </summary>
    private IrExpr Value(IrExpr expr, List<IrStmt> output)
    {
        if (IsLeaf(expr) || !expr.Kind.IsReal())
        {
            return expr;
        }
        if (_values.TryGetValue(expr, out IrExpr? known))
        {
            return known;
        }
        IrExpr rebuilt = expr switch
        {
            Unary u => u with { Operand = Value(u.Operand, output) },
            Binary b => b with { Left = Value(b.Left, output), Right = Value(b.Right, output) },
            Conditional c => c with { WhenTrue = Value(c.WhenTrue, output), WhenFalse = Value(c.WhenFalse, output) },
            Cast c => c with { Operand = Value(c.Operand, output) },
            MathCall m => m with { Args = m.Args.Select(a => Value(a, output)).ToEquatableArray() },
            DiffCall d => d with { Args = d.Args.Select(a => a is VarRef ? a : Value(a, output)).ToEquatableArray() },
            _ => expr,
        };
        string temporary = _names.Numbered("t");
        output.Add(new Define(temporary, expr.Kind, rebuilt));
        var reference = new VarRef(temporary, expr.Kind);
        _values[expr] = reference;
        return reference;
    }

    /// <summary>Whether the local derivative of <paramref name="value"/>'s outermost operation reads its result.</summary>
    private bool RootUsesResult(IrExpr value) => value switch
    {
        MathCall m => m.Kind.IsReal() && DerivativeRules.UsesResult(m.Function) && _activity.IsActive(m),
        Binary { Op: BinaryOp.Divide } b => b.Kind.IsReal() && _activity.IsActive(b.Right),
        _ => false,
    };

    /// <summary>Reads that cost no more than a variable: repeating them is cheaper than a temporary.</summary>
    private static bool IsLeaf(IrExpr expr) => expr switch
    {
        Literal or VarRef or LengthOf or DimensionOf or ElementRef => true,
        Unary { Op: UnaryOp.Negate } u => IsLeaf(u.Operand),
        Cast c => IsLeaf(c.Operand),
        _ => false,
    };

    /// <summary>An adjoint that may be used several times: a variable or constant as it is, anything else in a temporary.</summary>
    private IrExpr Share(IrExpr adjoint, List<IrStmt> output)
    {
        if (IsLeaf(adjoint))
        {
            return adjoint;
        }
        if (adjoint is Unary { Op: UnaryOp.Negate } negated)
        {
            // Keep the sign outside, so that rules can cancel it: dx -= a·b rather than dx += (−a)·b.
            return Neg(Share(negated.Operand, output));
        }
        string temporary = _names.Numbered("adj");
        output.Add(new Define(temporary, adjoint.Kind, adjoint));
        return new VarRef(temporary, adjoint.Kind);
    }

    private string NewLocal(string prefix, ScalarKind kind)
    {
        string name = _names.Numbered(prefix);
        _generatedLocals.Add(new LocalInfo(name, TypeRef.Scalar(kind)));
        return name;
    }

    private string Tape(TypeRef type)
    {
        string elementType = type.IsScalar ? ScalarKinds.Keyword(type.Element) : type.Name;
        if (!_tapes.TryGetValue(elementType, out TapeInfo? tape))
        {
            string suffix = type.IsScalar ? Capitalize(ScalarKinds.Keyword(type.Element)) : Capitalize(ScalarKinds.Keyword(type.Element)) + "Array";
            tape = new TapeInfo(_names.Fresh("tape" + suffix), elementType);
            _tapes[elementType] = tape;
        }
        return tape.Name;
    }

    private static string Capitalize(string s) => char.ToUpperInvariant(s[0]) + s.Substring(1);
}
