import { useState, type FormEvent } from 'react';
import { formText } from '../../components/form-data';
import type { WebhookEventType, WebhookFormat } from '../../gql/graphql';
import { WEBHOOK_EVENTS, WEBHOOK_EVENT_TYPES } from './webhook-events';

export interface WebhookFields {
  url: string;
  description: string;
  events: WebhookEventType[];
  format: WebhookFormat;
  active: boolean;
  /** Model names; empty for every model. */
  models: string[];
  /** Alias names; empty for every alias but `latest`. */
  aliases: string[];
}

export const NEW_WEBHOOK: WebhookFields = {
  url: '',
  description: '',
  events: ['VERSION_LINKED', 'ALIAS_SET'],
  format: 'STANDARD',
  active: true,
  models: [],
  aliases: [],
};

const names = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Create or edit a webhook; the server validates (URL scheme, limits) and its errors are shown by the caller. */
export function WebhookForm({
  initial,
  submitLabel,
  busy,
  onSubmit,
  idPrefix,
}: {
  initial: WebhookFields;
  submitLabel: string;
  busy: boolean;
  onSubmit: (fields: WebhookFields) => void;
  idPrefix: string;
}) {
  const [events, setEvents] = useState<Set<WebhookEventType>>(new Set(initial.events));
  const [eventsError, setEventsError] = useState(false);
  const id = (name: string) => `${idPrefix}-${name}`;

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (events.size === 0) {
      setEventsError(true);
      return;
    }
    const form = new FormData(e.currentTarget);
    onSubmit({
      url: formText(form, 'url').trim(),
      description: formText(form, 'description').trim(),
      events: WEBHOOK_EVENT_TYPES.filter((t) => events.has(t)),
      format: form.get('format') === 'SLACK' ? 'SLACK' : 'STANDARD',
      active: form.get('active') === 'on',
      models: names(formText(form, 'models')),
      aliases: names(formText(form, 'aliases')),
    });
  };

  const toggle = (t: WebhookEventType, on: boolean) => {
    const next = new Set(events);
    if (on) next.add(t);
    else next.delete(t);
    setEvents(next);
    setEventsError(false);
  };

  return (
    <form className="webhook-form" onSubmit={submit}>
      <div className="field">
        <label htmlFor={id('url')}>URL</label>
        <input
          id={id('url')}
          name="url"
          type="url"
          required
          maxLength={2048}
          defaultValue={initial.url}
          placeholder="https://hooks.example.com/registry"
        />
      </div>
      <div className="field">
        <label htmlFor={id('description')}>Description</label>
        <input id={id('description')} name="description" maxLength={1000} defaultValue={initial.description} />
      </div>
      <fieldset className="webhook-form__events" aria-describedby={eventsError ? id('events-error') : undefined}>
        <legend>Events</legend>
        {WEBHOOK_EVENT_TYPES.map((t) => (
          <label key={t} className="checkbox">
            <input type="checkbox" checked={events.has(t)} onChange={(e) => toggle(t, e.target.checked)} />{' '}
            <code>{WEBHOOK_EVENTS[t]}</code>
          </label>
        ))}
        {eventsError && (
          <p id={id('events-error')} role="alert" className="inline-error">
            Choose at least one event.
          </p>
        )}
      </fieldset>
      <div className="field">
        <label htmlFor={id('format')}>Format</label>
        <select id={id('format')} name="format" defaultValue={initial.format}>
          <option value="STANDARD">Standard Webhooks (signed JSON)</option>
          <option value="SLACK">Slack message</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={id('models')}>Only these models</label>
        <input
          id={id('models')}
          name="models"
          defaultValue={initial.models.join(', ')}
          aria-describedby={id('models-hint')}
        />
        <span id={id('models-hint')} className="hint">
          Comma-separated names; empty for every model.
        </span>
      </div>
      <div className="field">
        <label htmlFor={id('aliases')}>Only these aliases</label>
        <input
          id={id('aliases')}
          name="aliases"
          defaultValue={initial.aliases.join(', ')}
          aria-describedby={id('aliases-hint')}
        />
        <span id={id('aliases-hint')} className="hint">
          For alias events; empty for every alias except <code>latest</code>.
        </span>
      </div>
      <label className="checkbox">
        <input type="checkbox" name="active" defaultChecked={initial.active} /> Active
      </label>
      <div>
        <button type="submit" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
