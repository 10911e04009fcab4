import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { NEW_WEBHOOK, WebhookForm, type WebhookFields } from './WebhookForm';

describe('WebhookForm', () => {
  it('sends what was entered: events in the form’s order, comma lists split and trimmed', () => {
    const onSubmit = vi.fn<(f: WebhookFields) => void>();
    render(<WebhookForm idPrefix="t" initial={NEW_WEBHOOK} submitLabel="Create" busy={false} onSubmit={onSubmit} />);
    fireEvent.change(screen.getByLabelText('URL'), { target: { value: ' https://hooks.example.com/x ' } });
    fireEvent.change(screen.getByLabelText('Only these models'), { target: { value: 'resnet, , detector ' } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'model.created' }));
    fireEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(onSubmit).toHaveBeenCalledWith({
      url: 'https://hooks.example.com/x',
      description: '',
      events: ['VERSION_LINKED', 'ALIAS_SET', 'MODEL_CREATED'],
      format: 'STANDARD',
      active: true,
      models: ['resnet', 'detector'],
      aliases: [],
    });
  });

  it('asks for at least one event instead of sending none', () => {
    const onSubmit = vi.fn();
    render(<WebhookForm idPrefix="t" initial={NEW_WEBHOOK} submitLabel="Create" busy={false} onSubmit={onSubmit} />);
    fireEvent.change(screen.getByLabelText('URL'), { target: { value: 'https://hooks.example.com/x' } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'version.linked' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'alias.set' }));
    fireEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toBe('Choose at least one event.');
  });
});
