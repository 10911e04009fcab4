import { Placeholder } from '../../components/Placeholder';

export default function WebhooksPage() {
  return <Placeholder title="Webhooks" />;
}
