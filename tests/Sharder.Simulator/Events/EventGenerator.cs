using Sharder.Simulator.World;

namespace Sharder.Simulator.Events;

/// <summary>
/// Seeded load generator: a <see cref="TimeProvider"/> timer ticks every <see cref="TickInterval"/> and each
/// tick emits the events that are due, so after t seconds exactly floor(rate × t) events have been emitted
/// (late ticks catch up in one batch). Emission runs on the timer callback, one tick at a time, under the
/// generator's lock: <c>emit</c> must not wait for another thread that calls <see cref="Stop"/>.
/// </summary>
public sealed class EventGenerator : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTickInterval = TimeSpan.FromMilliseconds(10);

    private readonly EventFactory _factory;
    private readonly TimeProvider _time;
    private readonly Action<SimEvent> _emit;
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private EventMix _mix = new();
    private double _eventsPerSecond;
    private long _startTimestamp;
    private long _emittedSinceStart;
    private long _emittedTotal;

    public EventGenerator(EventFactory factory, SimWorld world, TimeProvider time, Action<SimEvent> emit)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(emit);
        if (!ReferenceEquals(factory.World, world))
        {
            throw new ArgumentException("The factory must belong to the same world.", nameof(world));
        }

        _factory = factory;
        _time = time;
        _emit = emit;
    }

    /// <summary>Timer period; set before <see cref="Start"/>.</summary>
    public TimeSpan TickInterval { get; init; } = DefaultTickInterval;

    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _timer is not null;
            }
        }
    }

    /// <summary>Events emitted since construction.</summary>
    public long EmittedCount => Interlocked.Read(ref _emittedTotal);

    /// <summary>Starts (or restarts with a new rate and mix) emitting <paramref name="eventsPerSecondTotal"/> events per second.</summary>
    public void Start(double eventsPerSecondTotal, EventMix mix)
    {
        ArgumentNullException.ThrowIfNull(mix);
        if (double.IsNaN(eventsPerSecondTotal) || double.IsInfinity(eventsPerSecondTotal) || eventsPerSecondTotal < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(eventsPerSecondTotal), eventsPerSecondTotal, "Must be a finite, non-negative rate.");
        }

        mix.Validate();
        lock (_gate)
        {
            _timer?.Dispose();
            _mix = mix;
            _eventsPerSecond = eventsPerSecondTotal;
            _startTimestamp = _time.GetTimestamp();
            _emittedSinceStart = 0;
            _timer = _time.CreateTimer(static state => ((EventGenerator)state!).Tick(), this, TickInterval, TickInterval);
        }
    }

    /// <summary>Stops emitting. When it returns no tick is running and none will start.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private void Tick()
    {
        // A tick that finds the previous one still running skips; the next tick catches up.
        if (!_gate.TryEnter())
        {
            return;
        }

        try
        {
            if (_timer is null)
            {
                return;
            }

            double elapsedSeconds = _time.GetElapsedTime(_startTimestamp).TotalSeconds;
            // The epsilon keeps exact products such as 0.7 × 10 from rounding down.
            long due = (long)Math.Floor((_eventsPerSecond * elapsedSeconds) + 1e-9);
            for (long i = _emittedSinceStart; i < due && _timer is not null; i++)
            {
                _emit(_factory.Next(_mix));
                _emittedSinceStart++;
                Interlocked.Increment(ref _emittedTotal);
            }
        }
        finally
        {
            _gate.Exit();
        }
    }
}
